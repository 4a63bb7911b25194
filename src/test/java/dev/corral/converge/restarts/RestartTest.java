package dev.corral.converge.restarts;

import dev.corral.support.Docker;
import dev.corral.support.Specs;
import dev.corral.testing.EngineTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static dev.corral.support.Specs.apply;
import static dev.corral.support.Specs.awaitPhase;
import static dev.corral.support.Specs.httpRelic;
import static dev.corral.support.Specs.session;
import static dev.corral.support.Specs.unique;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What Corral does when containers die, are removed, crash in a loop or fail their probes. */
@EngineTest
@QuarkusTest
class RestartTest {

    static {
        dev.corral.support.Rest.configure();
    }

    @Test
    void aKilledRelicIsRestartedAndARemovedOneRecreated() {
        String s = unique("s");
        apply(session(s) + "---\n" + httpRelic(s, "web", ""));
        JsonPath ready = awaitPhase("relic/" + s + "/web", "Ready");
        String id = ready.getString("status.containerId");
        String name = "corral-relic-" + s + "-web";

        Docker.run("kill", name);
        await().atMost(Specs.CONVERGE).untilAsserted(() -> {
            JsonPath o = Specs.get("relic/" + s + "/web");
            assertEquals(1, o.getInt("status.restarts"));
            assertEquals("Ready", o.getString("status.phase"));
            assertEquals(137, o.getInt("status.lastTermination.exitCode"));
        });
        assertEquals(id, Docker.inspect(name, "{{.Id}}"), "a restart keeps the container");
        assertEquals("true", Docker.inspect(name, "{{.State.Running}}"));

        Docker.run("rm", "-f", name);
        await().atMost(Specs.CONVERGE).untilAsserted(() -> {
            JsonPath o = Specs.get("relic/" + s + "/web");
            assertNotEquals(id, o.getString("status.containerId"));
            assertEquals("Ready", o.getString("status.phase"));
            assertEquals(o.getString("status.containerId"), Docker.inspect(name, "{{.Id}}"));
        });
        Specs.delete("session/" + s);
    }

    @Test
    void aCrashLoopingRelicBacksOff() {
        String s = unique("s");
        apply(session(s) + """
                ---
                apiVersion: corral.dev/v1
                kind: Relic
                metadata: {name: crash, session: %s}
                spec:
                  image: corral/busybox:latest
                  command: ["sh", "-c", "exit 3"]
                """.formatted(s));
        String path = "relic/" + s + "/crash";
        JsonPath looping = awaitPhase(path, "CrashLoopBackOff");
        assertEquals(3, looping.getInt("status.lastTermination.exitCode"));
        // The first restart is immediate, then the delays double from the base (2 s in tests): no storm.
        int before = looping.getInt("status.restarts");
        Instant seen = Instant.now();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> Specs.get(path).getInt("status.restarts") > before);
        Duration gap = Duration.between(seen, Instant.now());
        int after = Specs.get(path).getInt("status.restarts");
        assertEquals(before + 1, after, "one restart per backoff period");
        assertTrue(before <= 3, "restarts while backing off: " + before);
        // Next delay is at least the base again, doubled: nothing happens for the next 1.5 s.
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                .until(() -> Specs.get(path).getInt("status.restarts") == after);
        assertTrue(gap.toMillis() < 20_000, "backoff is capped in tests: " + gap);
        Specs.delete("session/" + s);
    }

    @Test
    void aRelicFailingItsProbeIsRestarted() {
        String s = unique("s");
        // The probe checks /health.html, which the command creates at start; deleting it makes the probe fail.
        apply(session(s) + """
                ---
                apiVersion: corral.dev/v1
                kind: Relic
                metadata: {name: web, session: %s}
                spec:
                  image: corral/busybox:latest
                  command: ["sh", "-c", "echo ok > /tmp/health.html && exec httpd -f -p 8080 -h /tmp"]
                  port: 8080
                  health:
                    http: {path: /health.html, port: 8080}
                    periodSeconds: 1
                    failureThreshold: 2
                """.formatted(s));
        String path = "relic/" + s + "/web";
        String id = awaitPhase(path, "Ready").getString("status.containerId");
        Docker.run("exec", "corral-relic-" + s + "-web", "rm", "/tmp/health.html");
        await().atMost(Specs.CONVERGE).untilAsserted(() -> {
            JsonPath o = Specs.get(path);
            assertTrue(o.getInt("status.restarts") >= 1, o.prettify());
            assertEquals("Ready", o.getString("status.phase"));
        });
        assertEquals(id, Specs.get(path).getString("status.containerId"), "restarted, not re-created");
        Specs.delete("session/" + s);
    }
}
