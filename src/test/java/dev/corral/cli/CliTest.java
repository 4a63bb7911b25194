package dev.corral.cli;

import dev.corral.support.Docker;
import dev.corral.support.Rest;
import dev.corral.support.Specs;
import dev.corral.testing.EngineTest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bin/corral}, the command itself, against this test's Corral on the real engine. */
@EngineTest
@QuarkusTest
class CliTest {

    static {
        Rest.configure();
    }

    @TestHTTPResource("/")
    URL url;

    @TempDir
    Path tmp;

    record Ran(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private ProcessBuilder command(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("bin/corral"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("CORRAL_URL", url.toString());
        pb.environment().put("CORRAL_CONFIG", tmp.resolve("no-config").toString());
        pb.environment().remove("CORRAL_TOKEN");
        return pb;
    }

    private Ran corralWithInput(String stdin, String... args) throws Exception {
        Process p = command(args).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        var out = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        assertTrue(p.waitFor(150, TimeUnit.SECONDS), "corral " + String.join(" ", args) + " did not finish");
        return new Ran(p.exitValue(), out.get(), err.get());
    }

    private Ran corral(String... args) throws Exception {
        return corralWithInput(null, args);
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Starts a command that does not end by itself (-f, -w); its stdout lines are collected as they come. */
    private Process streaming(List<String> lines, String... args) throws IOException {
        Process p = command(args).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process was stopped
            }
        });
        t.setDaemon(true);
        t.start();
        return p;
    }

    private static void stop(Process p) {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
    }

    private Path specs(String s, int memoryMb) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("specs-" + s));
        Files.writeString(dir.resolve("a-session.yaml"), Specs.session(s));
        Files.writeString(dir.resolve("b-relics.yaml"), """
                apiVersion: corral.dev/v1
                kind: Relic
                metadata: {name: web, session: %s}
                spec:
                  image: corral/busybox:latest
                  command: [httpd, -f, -p, "8080", -h, /www]
                  resources: {memoryMb: %d}
                ---
                apiVersion: corral.dev/v1
                kind: Relic
                metadata: {name: talker, session: %s}
                spec:
                  image: corral/busybox:latest
                  command: [sh, -c, "echo one; echo two >&2; sleep 3600"]
                """.formatted(s, memoryMb, s));
        return dir;
    }

    @Test
    void applyGetDescribeDiffExportAndDelete() throws Exception {
        String s = Specs.unique("cli");
        Path dir = specs(s, 32);
        Ran dry = corral("apply", "-f", dir.toString(), "--dry-run");
        assertEquals(0, dry.exit(), dry::toString);
        assertTrue(dry.out().contains("relic/" + s + "/web created (dry run)"), dry::toString);
        assertEquals(1, corral("get", "relic/web", "-s", s).exit(), "a dry run stores nothing");

        Ran applied = corral("apply", "-f", dir.toString(), "--wait");
        assertEquals(0, applied.exit(), applied::toString);
        assertTrue(applied.out().contains("session/" + s + " created"), applied::toString);
        assertTrue(applied.out().contains("relic/" + s + "/web Ready"), applied::toString);

        Ran table = corral("get", "relic", "-s", s);
        assertEquals(0, table.exit(), table::toString);
        List<String> rows = table.out().lines().toList();
        assertTrue(rows.get(0).matches("NAME\\s+SESSION\\s+PHASE\\s+RESTARTS\\s+AGE"), table::toString);
        assertTrue(rows.stream().anyMatch(r -> r.matches("web\\s+" + s + "\\s+Ready\\s+0\\s+\\d+s")), table::toString);
        assertFalse(table.out().contains("\u001b["), "no colours when piped");
        assertEquals(rows.get(0).indexOf("PHASE"), rows.get(1).indexOf("Ready"), "columns are aligned");

        JsonPath json = JsonPath.from(corral("get", "relic", "-s", s, "-o", "json").out());
        assertEquals(2, json.getList("items").size());
        assertTrue(corral("get", "relic", "web", "-s", s, "-o", "yaml").out().contains("kind: Relic"));
        assertTrue(corral("get", "relic", "-s", s, "-o", "wide").out().contains("corral-relic-" + s + "-web"));

        Ran describe = corral("describe", "relic/web", "-s", s);
        assertEquals(0, describe.exit(), describe::toString);
        assertTrue(describe.out().contains("Phase:         Ready"), describe::toString);
        assertTrue(describe.out().contains("Normal   Started"), describe::toString);

        Ran same = corral("diff", "-f", dir.toString());
        assertEquals(0, same.exit(), same::toString);
        assertEquals("", same.out());
        Files.writeString(dir.resolve("b-relics.yaml"), Files.readString(dir.resolve("b-relics.yaml"))
                .replace("memoryMb: 32", "memoryMb: 48"));
        Ran diff = corral("diff", "-f", dir.toString());
        assertEquals(3, diff.exit(), diff::toString);
        assertTrue(diff.out().contains("-      \"memoryMb\": 32,") && diff.out().contains("+      \"memoryMb\": 48,"),
                diff::toString);
        assertFalse(diff.out().contains("talker"), "only what would change");

        Ran export = corral("export", "relic", "-s", s);
        assertEquals(0, export.exit(), export::toString);
        assertTrue(export.out().contains("name: web") && !export.out().contains("resourceVersion"), export::toString);

        Ran deleted = corral("delete", "session/" + s);
        assertEquals(0, deleted.exit(), deleted::toString);
        assertEquals("session/" + s + " deleted\n", deleted.out());
        await().atMost(Specs.CONVERGE).until(() -> Docker.containers("corral.dev/session=" + s).isEmpty());
    }

    @Test
    void stopStartPauseResumeLogsAndStats() throws Exception {
        String s = Specs.unique("cli");
        assertEquals(0, corral("apply", "-f", specs(s, 32).toString(), "--wait").exit());
        String web = "corral-relic-" + s + "-web";

        Ran stop = corral("stop", "relic/web", "-s", s);
        assertEquals("relic/" + s + "/web stopped\n", stop.out(), stop::toString);
        assertEquals("false", Docker.inspect(web, "{{.State.Running}}"));
        assertEquals("relic/" + s + "/web ready\n", corral("start", "relic", "web", "-s", s).out());
        assertEquals("relic/" + s + "/web paused\n", corral("pause", "relic/web", "-s", s).out());
        assertEquals("true", Docker.inspect(web, "{{.State.Paused}}"));
        assertEquals("relic/" + s + "/web ready\n", corral("resume", "relic/web", "-s", s).out());
        assertEquals("0", Specs.get("relic/" + s + "/web").getString("status.restarts"), "starts asked for are not restarts");
        assertEquals(2, corral("stop", "tool/x").exit(), "only relics and agents have a state");

        Ran logs = corral("logs", "relic/talker", "-s", s);
        assertEquals(0, logs.exit(), logs::toString);
        assertEquals("one\n", logs.out(), "stdout to stdout");
        assertEquals("two\n", logs.err(), "stderr to stderr");
        List<String> followed = new CopyOnWriteArrayList<>();
        Process follow = streaming(followed, "logs", "-f", "relic/talker", "-s", s);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> followed.contains("one"));
            assertTrue(follow.isAlive(), "-f goes on after the lines so far");
        } finally {
            stop(follow);
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> corral("stats", "-s", s).out().contains(web));

        List<String> watched = new CopyOnWriteArrayList<>();
        Process watch = streaming(watched, "get", "relic", "-s", s, "-w");
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> watched.stream().anyMatch(l -> l.startsWith("talker")));
            assertTrue(watched.get(0).startsWith("NAME"), watched::toString);
        } finally {
            stop(watch);
        }
        Specs.delete("session/" + s);
    }

    @Test
    void runsAnswerWithTheirOutputAndExitCodesScriptsCanTrust() throws Exception {
        Ran hi = corral("run", "--language", "bash", "-c", "echo hi; echo oops >&2", "--wait");
        assertEquals(0, hi.exit(), hi::toString);
        assertEquals("hi\n", hi.out());
        assertTrue(hi.err().startsWith("oops\n"), hi::toString);

        Ran failed = corral("run", "--language", "bash", "-c", "exit 3", "--wait");
        assertEquals(1, failed.exit(), failed::toString);
        assertTrue(failed.err().contains("Failed"), failed::toString);

        Ran fromStdin = corralWithInput("print(6 * 7)", "run", "--language", "python", "--wait");
        assertEquals("42\n", fromStdin.out(), fromStdin::toString);

        String tool = Specs.unique("echo");
        Specs.apply("""
                apiVersion: corral.dev/v1
                kind: Tool
                metadata: {name: %s}
                spec:
                  image: corral/busybox:latest
                  command: [sh, -c, "echo $CORRAL_PARAM_WORD $CORRAL_PARAM_N"]
                """.formatted(tool));
        Ran withParams = corral("run", "--tool", tool, "-p", "word=corral", "-p", "n=3", "--wait");
        assertEquals("corral 3\n", withParams.out(), withParams::toString);
        Ran submitted = corral("run", "--tool", tool, "-p", "word=later");
        assertEquals(0, submitted.exit(), submitted::toString);
        String name = submitted.out().strip();
        assertTrue(name.startsWith("run-"), submitted::toString);
        await().atMost(Specs.CONVERGE).until(() -> "Succeeded".equals(Specs.phase("toolrun/" + name)));
        assertEquals("later\n", corral("logs", "toolrun/" + name).out());
    }

    @Test
    void mistakesAreExplainedWithTheRightExitCode() throws Exception {
        Ran unknown = corral("frobnicate");
        assertEquals(2, unknown.exit(), unknown::toString);
        assertTrue(unknown.err().contains("unknown command: frobnicate"), unknown::toString);
        assertEquals(2, corral("get").exit());
        assertEquals(2, corral("get", "bogus").exit());
        assertEquals(2, corral("apply").exit(), "-f is required");

        Ran missing = corral("get", "relic/nosuch", "-s", "nosuch");
        assertEquals(1, missing.exit(), missing::toString);
        assertTrue(missing.err().contains("not found"), missing::toString);

        Ran invalid = corralWithInput("""
                apiVersion: corral.dev/v1
                kind: Relic
                metadata: {name: x, session: s}
                spec: {image: ""}
                """, "apply", "-f", "-");
        assertEquals(1, invalid.exit(), invalid::toString);
        assertTrue(invalid.err().contains("documents[0].spec.image"), invalid::toString);

        ProcessBuilder nowhere = command("get", "relic");
        nowhere.environment().put("CORRAL_URL", "http://127.0.0.1:1");
        Process p = nowhere.start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue());
        assertTrue(read(p.getErrorStream()).contains("cannot reach Corral at http://127.0.0.1:1"));

        Ran help = corral("help");
        assertEquals(0, help.exit());
        assertTrue(help.out().contains("corral apply -f FILE|DIR|-"));
    }
}
