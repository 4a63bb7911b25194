package dev.corral.converge.runs;

import dev.corral.support.Docker;
import dev.corral.support.Rest;
import dev.corral.support.Specs;
import dev.corral.testing.EngineTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Warm pools on the real engine: runs take an idle container (same lock-down, same data contract),
 * each container serves one run and is replaced, a changed Tool replaces its idle containers, a
 * deleted one takes them away, and timeouts and log following work as for cold runs.
 */
@EngineTest
@QuarkusTest
@TestProfile(WarmPoolTest.Pools.class)
class WarmPoolTest {

    static {
        Rest.configure();
    }

    public static class Pools implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("corral.runs.bash-pool-size", "2", "corral.runs.python-pool-size", "1",
                    "corral.runs.pool-shrink-after", "3s", "corral.data-dir", "target/corral-test-data-pools");
        }
    }

    static JsonPath run(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).queryParam("wait", true).queryParam("timeout", "60s").body(body)
                .post("/runs").then().statusCode(201).extract().jsonPath();
    }

    static void awaitIdle(String pool, int idle) {
        await().atMost(Specs.CONVERGE).until(() -> given().get("/pools").jsonPath()
                .getList("findAll { it.pool == '" + pool + "' }.idle").equals(List.of(idle)));
    }

    static Set<String> warmIds(String poolName) {
        return new HashSet<>(List.of(Docker.run("ps", "-q", "--no-trunc", "--filter", "label=corral.dev/pool=true",
                "--filter", "label=corral.dev/name=" + poolName, "--filter", "label=corral.dev/instance=test")
                .split("\\s+")));
    }

    @Test
    void aRunTakesAnIdleContainerWhichServesOnlyItAndIsReplaced() {
        awaitIdle("runner/python", 1);
        Set<String> before = warmIds("@python");
        Map<String, String> volumes = new java.util.HashMap<>();
        before.forEach(id -> volumes.put(id, Docker.run("inspect", "-f",
                "{{range .Mounts}}{{if eq .Destination \"/workspace\"}}{{.Name}}{{end}}{{end}}", id).trim()));
        JsonPath r = run(Map.of("language", "python", "code",
                "import os, json\nprint(os.getuid())\nprint(open('/workspace/data/input.json').read())\n"
                        + "x = bytearray(40 * 1024 * 1024)\nprint(json.dumps({'ok': True}))"));
        assertEquals("Succeeded", r.getString("status.phase"), r.prettify());
        assertTrue(r.getBoolean("status.pooled"), r.prettify());
        String used = r.getString("status.containerId");
        assertTrue(before.contains(used), "one of the idle containers: " + before + " " + used);
        assertEquals("1000\n{}\n{\"ok\": true}\n", r.getString("status.stdout"));
        assertEquals("", r.getString("status.stderr"), "the launcher's report is not the run's output");
        assertTrue(r.getBoolean("status.result.ok"));
        assertTrue(r.getLong("status.resources.memoryPeakBytes") >= 40L * 1024 * 1024, r.prettify());
        assertTrue(r.getDouble("status.resources.cpuSeconds") > 0, r.prettify());
        // Used once, then gone; the pool is back to its size with a new container.
        // Removed right after the answer (which does not wait for the removal).
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertFalse(Docker.tryRun("inspect", used).exit() == 0, "the used container is removed");
            assertFalse(volumes.get(used).isEmpty());
            assertFalse(Docker.tryRun("volume", "inspect", volumes.get(used)).exit() == 0, "and its /workspace volume");
        });
        awaitIdle("runner/python", 1);
        Set<String> after = warmIds("@python");
        assertFalse(after.contains(used));
        assertEquals(1, after.size(), after.toString());
    }

    @Test
    void aFinishedRunsContainerWaitsToBeRemovedWhileAnotherRunIsInFlightThenGoes() {
        awaitIdle("runner/bash", 2);
        String slow = given().contentType(ContentType.JSON).body(Map.of("language", "bash", "code", "sleep 8; echo slow"))
                .post("/runs").then().statusCode(201).extract().path("metadata.name");
        await().atMost(Specs.CONVERGE).until(() -> "Running".equals(given().get("/runs/" + slow).jsonPath()
                .getString("status.phase")));
        JsonPath quick = run(Map.of("language", "bash", "code", "echo quick"));
        assertEquals("quick\n", quick.getString("status.stdout"), quick.prettify());
        assertTrue(quick.getBoolean("status.pooled"), quick.prettify());
        String id = quick.getString("status.containerId");
        assertEquals("running", Docker.run("inspect", "-f", "{{.State.Status}}", id).trim(),
                "its launcher reported, and waits to be removed once no run is in flight");
        assertEquals("Running", given().get("/runs/" + slow).jsonPath().getString("status.phase"));

        await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> {
            assertEquals("Succeeded", given().get("/runs/" + slow).jsonPath().getString("status.phase"));
            assertNotEquals(0, Docker.tryRun("inspect", id).exit(), "removed once the slow run ended");
        });
    }

    @Test
    void aWarmRunReadsAnEmptyStdinAsAColdRunDoes() {
        awaitIdle("runner/bash", 2);
        // Its container's stdin carried the run's files: the command gets none of it, and no stdin left open.
        JsonPath r = run(Map.of("language", "bash", "code", "cat; echo done", "timeoutSeconds", 20));
        assertEquals("Succeeded", r.getString("status.phase"), r.prettify());
        assertTrue(r.getBoolean("status.pooled"), r.prettify());
        assertEquals("done\n", r.getString("status.stdout"));
    }

    @Test
    void aPythonRunInItsPrestartedInterpreterBehavesAsPython3OfItsScript() {
        awaitIdle("runner/python", 1);
        // The idle one (one that served a run may still be on its way out), its interpreter started ahead.
        String[] found = new String[1];
        await().atMost(Specs.CONVERGE).until(() -> {
            for (String id : warmIds("@python")) {
                // Not taken yet, and a python3 process in it (read in its /proc: Podman's top refuses ps options).
                // tryRun: one on its way out may refuse the call.
                if (Docker.tryRun("exec", id, "sh", "-c",
                        "[ ! -e /tmp/.corral-started ] && grep -qx python3 /proc/[0-9]*/comm").exit() == 0) {
                    found[0] = id;
                    return true;
                }
            }
            return false;
        });
        String idle = found[0];

        JsonPath r = run(Map.of("language", "python", "code", """
                import sys, corral
                print(__name__, __file__, sys.argv, sys.path[0], repr(sys.stdin.read()))
                def f():
                    raise ValueError('boom')
                f()
                """));
        assertEquals("Failed", r.getString("status.phase"), r.prettify());
        assertTrue(r.getBoolean("status.pooled"), r.prettify());
        assertEquals(idle, r.getString("status.containerId"));
        assertEquals(1, r.getInt("status.exitCode"));
        assertEquals("__main__ /workspace/scripts/main.py ['/workspace/scripts/main.py'] /workspace/scripts ''\n",
                r.getString("status.stdout"));
        String stderr = r.getString("status.stderr");
        assertTrue(stderr.startsWith("Traceback (most recent call last):\n  File \"/workspace/scripts/main.py\", line 5"),
                stderr);
        assertTrue(stderr.endsWith("ValueError: boom\n") && !stderr.contains("<string>"), "no frame of the prelude: " + stderr);

        awaitIdle("runner/python", 1);
        JsonPath exit = run(Map.of("language", "python", "code", "import sys\nprint('bye')\nsys.exit(4)"));
        assertEquals(4, exit.getInt("status.exitCode"), exit.prettify());
        assertEquals("bye\n", exit.getString("status.stdout"));
        assertTrue(exit.getBoolean("status.pooled"));

        awaitIdle("runner/python", 1);
        JsonPath syntax = run(Map.of("language", "python", "code", "x = ("));
        assertEquals(1, syntax.getInt("status.exitCode"), syntax.prettify());
        assertTrue(syntax.getString("status.stderr").contains("File \"/workspace/scripts/main.py\", line 1")
                && syntax.getString("status.stderr").contains("SyntaxError"), syntax.prettify());
    }

    @Test
    void aWaitedRunSaysWhereItsTimeWentInServerTimingAndTheMetrics() {
        awaitIdle("runner/bash", 2);
        io.restassured.response.Response reply = given().contentType(ContentType.JSON).queryParam("wait", true)
                // Not a bare echo: its report could come before the hand-over's mark (taken once the attach call
                // returns, a thread wake-up after the payload went), and its command stage would read 0.
                .body(Map.of("language", "bash", "code", "sleep 0.2; echo hi")).post("/runs");
        assertEquals(201, reply.statusCode(), reply.asString());
        String timing = reply.header("Server-Timing");
        assertTrue(timing != null, "a Server-Timing header");
        Map<String, Double> stages = new java.util.LinkedHashMap<>();
        for (String part : timing.split(", ")) {
            String[] nameDur = part.split(";dur=");
            stages.put(nameDur[0], Double.parseDouble(nameDur[1]));
        }
        assertEquals(List.of("admission", "queue", "handOver", "command", "collect", "record", "total"),
                List.copyOf(stages.keySet()), timing);
        double sum = stages.entrySet().stream().filter(e -> !e.getKey().equals("total"))
                .mapToDouble(Map.Entry::getValue).sum();
        assertEquals(stages.get("total"), sum, 0.1, "the stages add up to the total: " + timing);
        assertTrue(stages.get("handOver") > 0 && stages.get("command") > 0, timing);
        String metrics = given().get("/q/metrics").asString();
        assertTrue(metrics.contains("corral_run_stage_seconds_count{stage=\"handOver\"}"), "the stages as histograms");
    }

    @Test
    void warmRunsAreLockedDownLikeColdOnes() {
        awaitIdle("runner/bash", 2);
        JsonPath r = run(Map.of("language", "bash", "code", """
                id -u
                touch /etc/x 2>/dev/null && echo root-writable || echo root-readonly
                touch /tmp/x && touch /workspace/x && echo workspace-writable
                (exec 3<>/dev/tcp/1.1.1.1/80) 2>/dev/null && echo network || echo no-network
                grep NoNewPrivs /proc/self/status
                """));
        assertTrue(r.getBoolean("status.pooled"), r.prettify());
        assertEquals(List.of("1000", "root-readonly", "workspace-writable", "no-network"),
                List.of(r.getString("status.stdout").split("\n")).subList(0, 4));
        assertTrue(r.getString("status.stdout").contains("NoNewPrivs:\t1"), r.prettify());
    }

    @Test
    void timeoutsFailuresOomAndFollowedLogsWorkInWarmContainers() {
        awaitIdle("runner/bash", 2);
        JsonPath timedOut = run(Map.of("language", "bash", "code", "sleep 60", "timeoutSeconds", 1));
        assertEquals("TimedOut", timedOut.getString("status.phase"), timedOut.prettify());
        assertTrue(timedOut.getBoolean("status.pooled"));
        assertTrue(timedOut.getLong("status.durationMs") < 20_000);

        awaitIdle("runner/bash", 2);
        JsonPath failed = run(Map.of("language", "bash", "code", "echo bad >&2; exit 3"));
        assertEquals("Failed", failed.getString("status.phase"));
        assertEquals(3, failed.getInt("status.exitCode"));
        assertEquals("bad\n", failed.getString("status.stderr"));

        awaitIdle("runner/python", 1);
        JsonPath oom = run(Map.of("language", "python", "code", "x = bytearray(1024 * 1024 * 1024)"));
        assertEquals("OOMKilled", oom.getString("status.phase"), oom.prettify());
        assertTrue(oom.getBoolean("status.pooled"));

        awaitIdle("runner/bash", 2);
        String name = given().contentType(ContentType.JSON)
                .body(Map.of("language", "bash", "code", "for i in 1 2; do echo line$i; sleep 0.3; done; echo warn >&2"))
                .post("/runs").then().statusCode(201).extract().path("metadata.name");
        String events = given().accept("text/event-stream").queryParam("follow", true).get("/runs/" + name + "/logs")
                .then().statusCode(200).extract().asString();
        assertTrue(events.contains("line1") && events.contains("line2") && events.contains("warn"), events);
        assertFalse(events.contains("corral-report"), events);
        assertTrue(events.contains("event:end"), events);
    }

    @Test
    void aToolPoolFollowsItsToolAndGoesWithIt() {
        String tool = Specs.unique("pooled");
        String spec = """
                apiVersion: corral.dev/v1
                kind: Tool
                metadata: {name: %s}
                spec:
                  image: corral/busybox:latest
                  command: ["sh", "-c", "echo $GREETING $CORRAL_PARAM_WHO; cat /workspace/data/input.json; echo; id -u"]
                  env: {GREETING: %s}
                  pool: {size: 1}
                """;
        Specs.apply(spec.formatted(tool, "hello"));
        awaitIdle("tool/" + tool, 1);
        assertEquals(1, given().get("/specs/tool/" + tool).jsonPath().getInt("status.pool.ready"));
        JsonPath r = run(Map.of("tool", tool, "parameters", Map.of("who", "it's me")));
        assertEquals("Succeeded", r.getString("status.phase"), r.prettify());
        assertTrue(r.getBoolean("status.pooled"), r.prettify());
        assertEquals("hello it's me\n{\"who\":\"it's me\"}\n65534\n", r.getString("status.stdout"));

        awaitIdle("tool/" + tool, 1);
        Set<String> idle = warmIds(tool);
        Specs.apply(spec.formatted(tool, "bonjour"));
        await().atMost(Specs.CONVERGE).until(() -> {
            Set<String> now = warmIds(tool);
            return now.size() == 1 && !now.equals(idle) && !now.contains("");
        });
        awaitIdle("tool/" + tool, 1);
        JsonPath changed = run(Map.of("tool", tool, "parameters", Map.of("who", "x")));
        assertTrue(changed.getBoolean("status.pooled"), changed.prettify());
        assertTrue(changed.getString("status.stdout").startsWith("bonjour x\n"), changed.prettify());

        Specs.delete("tool/" + tool);
        await().atMost(Specs.CONVERGE).until(() -> Docker.containers("corral.dev/pool=true",
                "corral.dev/name=" + tool, "corral.dev/instance=test").isEmpty());
        assertNotEquals(0, Docker.containers("corral.dev/pool=true", "corral.dev/instance=test").size(),
                "the runner pools stay");
    }

    @Test
    void aPoolGrowsWhenRunsFindItEmptyAndShrinksBackWhenQuiet() {
        String tool = Specs.unique("grows");
        Specs.apply("""
                apiVersion: corral.dev/v1
                kind: Tool
                metadata: {name: %s}
                spec:
                  image: corral/busybox:latest
                  command: ["sh", "-c", "echo ran"]
                  pool: {size: 0, max: 2}
                """.formatted(tool));
        awaitIdle("tool/" + tool, 0);
        assertEquals(List.of(2), given().get("/pools").jsonPath().getList("findAll { it.pool == 'tool/" + tool + "' }.max"));

        JsonPath cold = run(Map.of("tool", tool));
        assertEquals("ran\n", cold.getString("status.stdout"), cold.prettify());
        assertNotEquals(Boolean.TRUE, cold.get("status.pooled"), "an empty pool: the first run starts its own container");
        awaitIdle("tool/" + tool, 1);
        JsonPath status = given().get("/specs/tool/" + tool).jsonPath();
        assertEquals(1, status.getInt("status.pool.target"), status.prettify());

        JsonPath warm = run(Map.of("tool", tool));
        assertTrue(warm.getBoolean("status.pooled"), "the run that follows finds the one its predecessor asked for");
        assertEquals("ran\n", warm.getString("status.stdout"));

        // Quiet for corral.runs.pool-shrink-after (3 s here): back to its size, no container left.
        await().atMost(Specs.CONVERGE).until(() -> warmIds(tool).stream().allMatch(String::isEmpty)
                && given().get("/pools").jsonPath().getList("findAll { it.pool == 'tool/" + tool + "' }.target").equals(List.of(0)));
        Specs.delete("tool/" + tool);
    }
}
