package dev.corral.runs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The launcher's payload through a real /bin/sh, and its report parsed back. */
class LauncherTest {

    @TempDir
    Path tmp;

    private static final String NASTY = "it's \"quoted\" $HOME `id` \\ %s\n\ttabbed\n\u00e9t\u00e9 '' end'";

    @Test
    void aPayloadWritesEveryByteAndExportsTheEnvironmentThroughSh() throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(tmp.resolve("a.txt").toString(), NASTY.getBytes(StandardCharsets.UTF_8));
        files.put(tmp.resolve("empty").toString(), new byte[0]);
        files.put(tmp.resolve("trailing").toString(), "x\n\n\n".getBytes(StandardCharsets.UTF_8));
        byte[] payload = Launcher.payload(files, Map.of("CORRAL_PARAM_X", NASTY), 0);
        // What the warm launcher does with its stdin (head may read past its lines from a pipe: nothing follows).
        String script = "read -r lines; payload=$(head -n \"$lines\"); eval \"$payload\"; "
                + "printf '%s' \"$CORRAL_PARAM_X\" > " + tmp.resolve("env");
        Process p = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
        p.getOutputStream().write(payload);
        p.getOutputStream().close();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        for (var f : files.entrySet()) {
            assertArrayEquals(f.getValue(), Files.readAllBytes(Path.of(f.getKey())), f.getKey());
        }
        assertEquals(NASTY, Files.readString(tmp.resolve("env")));
    }

    @Test
    void aPayloadTellsTheLauncherHowLongToWaitToBeRemovedOnlyWhenAsked() {
        String lingering = new String(Launcher.payload(Map.of(), Map.of(), 30), StandardCharsets.UTF_8);
        assertEquals("2\n__c_linger=30\n" + Launcher.PAYLOAD_END + "\n", lingering);
        assertFalse(new String(Launcher.payload(Map.of(), Map.of(), 0), StandardCharsets.UTF_8).contains("__c_linger"));
        assertTrue(Launcher.MAIN.contains("[ \"$__c_mode\" = run ] || : > /tmp/.corral-reported"),
                "a warm launcher marks that it reported, for a restarted Corral's probe");
    }

    @Test
    void aPayloadCutShortIsRefusedByTheLauncher() throws Exception {
        byte[] payload = Launcher.payload(Map.of(tmp.resolve("a").toString(), "x".getBytes()), Map.of(), 0);
        String full = new String(payload, StandardCharsets.UTF_8);
        String cut = full.substring(0, full.lastIndexOf(Launcher.PAYLOAD_END));
        assertFalse(Launcher.MAIN.isEmpty());
        // The completeness check of the launcher, on its own.
        String check = "read -r lines; payload=$(head -n \"$lines\"); case $payload in *\"" + Launcher.PAYLOAD_END
                + "\") exit 0 ;; *) exit 125 ;; esac";
        assertEquals(0, sh(check, full));
        assertEquals(125, sh(check, cut));
    }

    private static int sh(String script, String stdin) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", script).start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        return p.exitValue();
    }

    @Test
    void theLauncherEndsStdoutWithItsMarkThenReportsAndBothSayTheOutputIsComplete() throws Exception {
        Launcher.Cold cold = Launcher.cold(Map.of(), List.of("sh", "-c", "printf 'no newline'; echo err >&2; exit 3"));
        ProcessBuilder pb = new ProcessBuilder(cold.command());
        pb.environment().putAll(cold.env());
        Process p = pb.start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(3, p.exitValue());
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals("no newline" + Launcher.END_MARK, out, "the mark follows the command's last byte");
        assertEquals("no newline", Launcher.withoutEndMark(out));
        assertEquals(3, Launcher.report(err).exitCode());
        assertTrue(Launcher.OUTPUT_END.complete(out, err));
        assertFalse(Launcher.OUTPUT_END.complete("no newline", err), "stdout not yet at its end");
        assertFalse(Launcher.OUTPUT_END.complete(out, "err\n"), "no report yet");
        assertFalse(Launcher.OUTPUT_END.complete(out, err.substring(0, err.length() - 1)), "a report line not yet whole");
    }

    @Test
    void stdoutCutByItsCapLosesAPartialMarkToo() {
        assertEquals("abc", Launcher.withoutEndMark("abc\u001ecorral-e"));
        assertEquals("abc", Launcher.withoutEndMark("abc"));
        assertEquals("a\u001eb", Launcher.withoutEndMark("a\u001eb"), "a record separator of the run's own stays");
        assertEquals("two", Launcher.withoutEndLine("two\u001ecorral-end"), "a followed line");
        assertEquals("", Launcher.withoutEndLine(Launcher.END_MARK), "a followed chunk");
        assertEquals("x\u001e", Launcher.withoutEndLine("x\u001e"));
    }

    @Test
    void theReportIsSplitOffStderr() {
        Launcher.Report r = Launcher.report("oops\n" + Launcher.REPORT_MARK
                + "{\"exitCode\":3,\"cpuNanos\":1500000000,\"memoryPeakBytes\":4096,\"outputEntries\":0}\n");
        assertEquals("oops\n", r.stderr());
        assertEquals(3, r.exitCode());
        assertEquals(1_500_000_000L, r.cpuNanos());
        assertEquals(4096L, r.memoryPeakBytes());
        assertEquals(0, r.outputEntries());

        Launcher.Report partialLine = Launcher.report("no newline" + Launcher.REPORT_MARK
                + "{\"exitCode\":0,\"cpuNanos\":null,\"memoryPeakBytes\":null,\"outputEntries\":2}\n");
        assertEquals("no newline", partialLine.stderr());
        assertNull(partialLine.cpuNanos());
        assertEquals(2, partialLine.outputEntries());

        Launcher.Report none = Launcher.report("killed before it could report\n");
        assertFalse(none.present());
        assertEquals("killed before it could report\n", none.stderr());

        Launcher.Report notLast = Launcher.report(Launcher.REPORT_MARK + "{\"exitCode\":0}\nlater output\n");
        assertFalse(notLast.present(), "only a last line is a report");
    }

    @Test
    void filesGoInTheEnvironmentOnlyWhenTheyFit() {
        assertTrue(Launcher.inlinable(Map.of("a", "x".repeat(1000).getBytes())));
        assertFalse(Launcher.inlinable(Map.of("a", new byte[]{'a', 0, 'b'})), "no NUL in an environment string");
        assertFalse(Launcher.inlinable(Map.of("a", new byte[Launcher.INLINE_FILE_MAX + 1])));
        Launcher.Cold cold = Launcher.cold(Map.of("/workspace/a", "secret".getBytes()), List.of("bash", "main.sh"));
        assertEquals(List.of("corral", "run", "1", "bash", "main.sh"), cold.command().subList(3, cold.command().size()));
        assertFalse(String.join(" ", cold.command()).contains("secret"), "inputs are not on the command line");
        assertEquals(Map.of("CORRAL_FILE_0", "/workspace/a", "CORRAL_DATA_0", "secret"), cold.env());
    }

    @Test
    void theColdLauncherWritesItsFilesRunsTheCommandAndReports() throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(tmp.resolve("one").toString(), NASTY.getBytes(StandardCharsets.UTF_8));
        // In a directory that does not exist yet, as in a Swarm job's empty workspace.
        files.put(tmp.resolve("data/two").toString(), "2".getBytes(StandardCharsets.UTF_8));
        Launcher.Cold cold = Launcher.cold(files, List.of("sh", "-c",
                "cat " + tmp.resolve("one") + " " + tmp.resolve("data/two") + "; env | grep -c CORRAL_ ;"
                        + " printf %s \"$mode-$code-$payload-$f\"; exit 7"));
        ProcessBuilder pb = new ProcessBuilder(cold.command());
        pb.environment().putAll(cold.env());
        // A Tool's env may use any name: the launcher's own variables must not touch them.
        pb.environment().putAll(Map.of("mode", "m", "code", "c", "payload", "p", "f", "f"));
        Process p = pb.start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(7, p.exitValue(), err);
        assertEquals(NASTY + "2" + "0\n" + "m-c-p-f", Launcher.withoutEndMark(out),
                "the files, no CORRAL_ variable left, the env untouched");
        Launcher.Report r = Launcher.report(err);
        assertTrue(r.present(), err);
        assertEquals(7, r.exitCode());
        assertEquals("", r.stderr());
    }
}
