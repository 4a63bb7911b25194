package dev.corral.auth;

import dev.corral.support.CorralProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Safe by default, on the packaged application: loopback without tokens, and no other address unless meant. */
class BindingIT {

    @TempDir
    Path dir;

    private Process start(Path log, String... settings) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=" + port, "-Dcorral.data-dir=" + dir.resolve("data-" + port),
                "-Dcorral.reconcile.enabled=false", "-Dcorral.instance=binding-it"));
        cmd.addAll(List.of(settings));
        cmd.addAll(List.of("-jar", CorralProcess.JAR.toAbsolutePath().toString()));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static String awaitLine(Process p, Path log, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String s = Files.exists(log) ? Files.readString(log) : "";
            if (s.contains(text) || !p.isAlive() && s.contains("Listening") == text.contains("Listening")) {
                return s;
            }
            p.waitFor(100, TimeUnit.MILLISECONDS);
        }
        throw new AssertionError("no '" + text + "' in " + log);
    }

    @Test
    void withoutTokensCorralListensOnLoopbackOnly() throws Exception {
        Path log = dir.resolve("default.log");
        Process p = start(log);
        try {
            String out = awaitLine(p, log, "Listening on");
            assertTrue(out.contains("listening on 127.0.0.1 only, without authentication"), out);
            assertTrue(out.contains("Listening on: http://127.0.0.1:"), out);
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void anotherAddressWithoutTokensRefusesToStart() throws Exception {
        Path log = dir.resolve("refused.log");
        Process p = start(log, "-Dquarkus.http.host=0.0.0.0");
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "Corral should have stopped");
        assertNotEquals(0, p.exitValue());
        String out = Files.readString(log);
        assertTrue(out.contains("refusing to listen on 0.0.0.0 without authentication"), out);
    }

    @Test
    void allowAnonymousBindsAnywhereWithAWarning() throws Exception {
        Path log = dir.resolve("anonymous.log");
        Process p = start(log, "-Dquarkus.http.host=0.0.0.0", "-Dcorral.auth.allow-anonymous=true");
        try {
            String out = awaitLine(p, log, "Listening on");
            assertTrue(out.contains("WARN") && out.contains("corral.auth.allow-anonymous=true"), out);
            assertTrue(out.contains("Listening on: http://0.0.0.0:"), out);
        } finally {
            p.destroyForcibly().waitFor();
        }
        assertEquals(false, p.isAlive());
    }
}
