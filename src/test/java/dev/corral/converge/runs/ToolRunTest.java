package dev.corral.converge.runs;

import dev.corral.support.Docker;
import dev.corral.support.Rest;
import dev.corral.support.Specs;
import dev.corral.testing.EngineTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tool runs on the real engine: languages, tools with parameters, failure, timeout, cancel, isolation, cleanup. */
@EngineTest
@QuarkusTest
class ToolRunTest {

    static {
        Rest.configure();
    }

    /** POSTs a run with ?wait=true and returns it. */
    static JsonPath run(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).queryParam("wait", true).queryParam("timeout", "60s").body(body)
                .post("/runs").then().statusCode(201).extract().jsonPath();
    }

    static JsonPath code(String language, String code) {
        return run(Map.of("language", language, "code", code, "timeoutSeconds", 30));
    }

    @Test
    void bashPythonAndNodeRunsReturnTheirOutputAndResult() {
        JsonPath bash = code("bash", "echo hello; echo oops >&2; corral output '{\"n\": 3}'");
        assertEquals("Succeeded", bash.getString("status.phase"), bash.prettify());
        assertEquals("hello\n", bash.getString("status.stdout"));
        assertEquals("oops\n", bash.getString("status.stderr"));
        assertEquals(3, bash.getInt("status.result.n"));
        assertEquals(0, bash.getInt("status.exitCode"));

        JsonPath py = code("python", "import json\nx = bytearray(40 * 1024 * 1024)\nprint(json.dumps({'sum': 1 + 2}))");
        assertEquals("Succeeded", py.getString("status.phase"), py.prettify());
        assertEquals(3, py.getInt("status.result.sum"), "the last stdout line, when it is JSON");
        assertTrue(py.getLong("status.resources.memoryPeakBytes") >= 40L * 1024 * 1024, py.prettify());
        assertTrue(py.getDouble("status.resources.cpuSeconds") > 0, py.prettify());

        JsonPath node = code("node", "const c = require('corral'); c.output({x: 42}); c.setVariable('k', 1);"
                + " require('fs').writeFileSync('/workspace/output/report.txt', 'done');");
        assertEquals("Succeeded", node.getString("status.phase"), node.prettify());
        assertEquals(42, node.getInt("status.result.x"));
        assertEquals(1, node.getInt("status.variables.k"));
        assertEquals("report.txt", node.getString("status.files[0].name"));
        assertEquals("done", given().get("/runs/" + node.getString("metadata.name") + "/files/report.txt").asString());
        assertTrue(node.getLong("status.durationMs") >= 0);
    }

    @Test
    void aToolRunReadsItsParametersFromTheFileAndTheEnvironment() {
        String tool = Specs.unique("wc");
        Specs.apply("""
                apiVersion: corral.dev/v1
                kind: Tool
                metadata: {name: %s}
                spec:
                  image: corral/busybox:latest
                  command: ["sh", "-c", "cat /workspace/data/input.json; echo; echo $CORRAL_PARAM_WORD"]
                """.formatted(tool));
        JsonPath r = run(Map.of("tool", tool, "parameters", Map.of("word", "corral", "n", 2)));
        assertEquals("Succeeded", r.getString("status.phase"), r.prettify());
        String[] lines = r.getString("status.stdout").split("\n");
        JsonPath input = JsonPath.from(lines[0]);
        assertEquals("corral", input.getString("word"));
        assertEquals(2, input.getInt("n"));
        assertEquals("corral", lines[1]);
        Specs.delete("tool/" + tool);
    }

    @Test
    void aColdToolRunTakesAWorkspacePreparedAheadAndLeavesNothingBehind() {
        String tool = Specs.unique("ws");
        Specs.apply("""
                apiVersion: corral.dev/v1
                kind: Tool
                metadata: {name: %s}
                spec:
                  image: corral/busybox:latest
                  command: ["sh", "-c", "cat /workspace/data/input.json; echo; id -u; echo made > /workspace/output/note.txt"]
                """.formatted(tool));
        // The first cold run of the image may find no stock yet; once it has ended, one is made.
        JsonPath first = run(Map.of("tool", tool, "parameters", Map.of("word", "one")));
        assertEquals("Succeeded", first.getString("status.phase"), first.prettify());
        // Every stock full: the holder the first run took (or one of an earlier test's run) is gone by then.
        await().atMost(Specs.CONVERGE).until(() -> {
            String metrics = given().get("/q/metrics").asString();
            String ready = gauge(metrics, "corral_run_workspaces_ready");
            return !ready.isEmpty() && !"0.0".equals(ready)
                    && ready.equals(gauge(metrics, "corral_run_workspaces_target"));
        });

        // Each holder's volume, to follow the one the run takes.
        Map<String, String> volumes = new java.util.HashMap<>();
        for (String h : Docker.containers("corral.dev/workspace-holder=true", "corral.dev/instance=test")) {
            volumes.put(h, Docker.inspect(h, "{{range .Mounts}}{{.Name}}{{end}}"));
        }
        JsonPath r = run(Map.of("tool", tool, "parameters", Map.of("word", "two")));
        String name = r.getString("metadata.name");
        assertEquals("Succeeded", r.getString("status.phase"), r.prettify());
        String[] lines = r.getString("status.stdout").split("\n");
        assertEquals("two", JsonPath.from(lines[0]).getString("word"), "its input, written by its launcher");
        assertEquals("65534", lines[1], "as the Tool's user, in a workspace that user may write");
        assertEquals("note.txt", r.getString("status.files[0].name"));
        assertEquals("made\n", given().get("/runs/" + name + "/files/note.txt").asString());
        List<String> created = given().queryParam("kind", "ToolRun").queryParam("name", name).get("/events")
                .then().statusCode(200).extract().jsonPath().getList("items.findAll { it.reason == 'Created' }.message");
        assertEquals(List.of("created container corral-toolrun-" + name + " with a workspace prepared ahead"), created);

        // The holder it took is gone, and its volume went with the run's container.
        await().atMost(Specs.CONVERGE).untilAsserted(() -> {
            assertEquals(List.of(), Docker.containers("corral.dev/name=" + name));
            List<String> gone = volumes.keySet().stream().filter(h -> !Docker.exists(h)).toList();
            assertEquals(1, gone.size(), "the holder the run took: " + volumes + ", left " + gone);
            assertTrue(Docker.tryRun("volume", "inspect", volumes.get(gone.get(0))).exit() != 0,
                    "its volume is gone with the run's container");
        });
        Specs.delete("tool/" + tool);
    }

    private static String gauge(String metrics, String name) {
        return metrics.lines().filter(l -> l.startsWith(name + " ")).map(l -> l.substring(name.length() + 1))
                .findFirst().orElse("");
    }

    @Test
    void failureTimeoutAndCancelEndAsSuch() {
        JsonPath failed = code("bash", "echo bad >&2; exit 3");
        assertEquals("Failed", failed.getString("status.phase"));
        assertEquals(3, failed.getInt("status.exitCode"));

        JsonPath timedOut = run(Map.of("language", "bash", "code", "sleep 60", "timeoutSeconds", 1));
        assertEquals("TimedOut", timedOut.getString("status.phase"), timedOut.prettify());
        assertTrue(timedOut.getLong("status.durationMs") < 20_000);
        assertTrue(timedOut.getLong("status.resources.memoryPeakBytes") > 0, "read just before the kill: "
                + timedOut.prettify());

        String name = given().contentType(ContentType.JSON).body(Map.of("language", "bash", "code", "sleep 60"))
                .post("/runs").then().statusCode(201).extract().path("metadata.name");
        await().atMost(Specs.CONVERGE).until(() -> "Running".equals(given().get("/runs/" + name).path("status.phase")));
        given().post("/runs/" + name + "/cancel").then().statusCode(202);
        await().atMost(Specs.CONVERGE).until(() -> "Cancelled".equals(given().get("/runs/" + name).path("status.phase")));
        given().post("/runs/" + name + "/cancel").then().statusCode(409);
    }

    @Test
    void runsAreLockedDown() {
        JsonPath r = code("bash", """
                id -u
                touch /etc/x 2>/dev/null && echo root-writable || echo root-readonly
                touch /tmp/x && touch /workspace/x && echo workspace-writable
                (exec 3<>/dev/tcp/1.1.1.1/80) 2>/dev/null && echo network || echo no-network
                cat /proc/self/status | grep -i '^CapEff'
                grep NoNewPrivs /proc/self/status
                """);
        assertEquals("Succeeded", r.getString("status.phase"), r.prettify());
        List<String> out = List.of(r.getString("status.stdout").split("\n"));
        assertEquals("1000", out.get(0), "not root");
        assertEquals("root-readonly", out.get(1));
        assertEquals("workspace-writable", out.get(2));
        assertEquals("no-network", out.get(3));
        assertTrue(out.get(4).endsWith("0000000000000000"), out.get(4));
        assertTrue(out.get(5).endsWith("1"), out.get(5));
    }

    @Test
    void oomForkBombAndOversizedOutputAreContained() {
        JsonPath oom = code("python", "x = bytearray(1024 * 1024 * 1024)");
        assertEquals("OOMKilled", oom.getString("status.phase"), oom.prettify());

        JsonPath bomb = code("bash", "for i in $(seq 1 400); do sleep 5 & done; wait");
        assertTrue(bomb.getString("status.stderr").contains("fork") || bomb.getString("status.stderr").contains("resource"),
                bomb.prettify());

        JsonPath big = code("bash", "head -c 3000000 /dev/zero | tr '\\\\0' a");
        assertEquals("Succeeded", big.getString("status.phase"));
        assertTrue(big.getBoolean("status.truncated.stdout"));
        assertEquals(1024 * 1024, big.getString("status.stdout").length());

        // Beyond the cap of stderr, where the launcher's report ends up: it is still read.
        JsonPath noisy = code("bash", "head -c 1200000 /dev/zero | tr '\\\\0' b >&2");
        assertTrue(noisy.getBoolean("status.truncated.stderr"), noisy.getString("status.phase"));
        assertTrue(noisy.getDouble("status.resources.cpuSeconds") > 0, noisy.getString("status.resources"));
        assertFalse(noisy.getString("status.stderr").contains("corral-report"));
    }

    @Test
    void nothingIsLeftBehindAndFinishedRunsAreCollected() {
        JsonPath r = run(Map.of("language", "bash", "code", "echo hi", "ttlSecondsAfterFinished", 2));
        String name = r.getString("metadata.name");
        assertEquals("Succeeded", r.getString("status.phase"));
        // The result is answered before the container is removed (the client need not wait for the removal).
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertEquals(List.of(), Docker.containers("corral.dev/name=" + name));
            assertEquals(List.of(), Docker.volumes("corral.dev/name=" + name));
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> given().get("/runs/" + name).statusCode() == 404);
        given().contentType(ContentType.JSON).body(Map.of("code", "print(1)", "language", "python"))
                .post("/execute").then().statusCode(200).body("stdout", equalTo("1\n")).body("exitCode", equalTo(0));
        assertFalse(Docker.run("ps", "-a", "--filter", "label=corral.dev/kind=ToolRun", "--filter",
                "label=corral.dev/instance=test", "--filter", "status=exited", "-q").contains("\n"));
    }

    @Test
    void logsFollowAsServerSentEventsUntilTheRunEnds() {
        String name = given().contentType(ContentType.JSON)
                .body(Map.of("language", "bash", "code", "for i in 1 2 3; do echo line$i; sleep 0.5; done; echo warn >&2"))
                .post("/runs").then().statusCode(201).extract().path("metadata.name");
        // Followed at once, before the run has even started: the stream waits for it.
        String events = given().accept("text/event-stream").queryParam("follow", true).get("/runs/" + name + "/logs")
                .then().statusCode(200).extract().asString();
        assertTrue(events.contains("event:stdout") && events.contains("line1") && events.contains("line3"), events);
        assertTrue(events.contains("event:stderr") && events.contains("warn"), events);
        assertTrue(events.contains("event:end"), events);
        await().atMost(Specs.CONVERGE).until(() -> "Succeeded".equals(given().get("/runs/" + name).path("status.phase")));
        String after = given().accept("text/event-stream").get("/runs/" + name + "/logs").asString();
        assertTrue(after.contains("line3") && after.contains("Succeeded"), after);
    }
}
