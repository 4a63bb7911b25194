package dev.corral.converge.operations;

import dev.corral.support.Docker;
import dev.corral.support.Specs;
import dev.corral.testing.EngineTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.corral.support.Specs.apply;
import static dev.corral.support.Specs.awaitPhase;
import static dev.corral.support.Specs.session;
import static dev.corral.support.Specs.unique;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The operations the seeds imply, as spec features, on the real engine: a Relic's state (Running, Stopped, Paused), maxRestarts, lifetimeSeconds. */
@EngineTest
@QuarkusTest
class RelicOperationsTest {

    static {
        dev.corral.support.Rest.configure();
    }

    static String relic(String session, String name, String extra) {
        return """
                apiVersion: corral.dev/v1
                kind: Relic
                metadata: {name: %s, session: %s}
                spec:
                  image: corral/busybox:latest
                %s
                """.formatted(name, session, extra.indent(2).stripTrailing());
    }

    @Test
    void aRelicStopsAndStartsWithItsStateKeepingItsContainer() {
        String s = unique("ops");
        String running = relic(s, "web", "command: [sleep, \"3600\"]\nstate: Running");
        apply(session(s) + "---\n" + running);
        String id = awaitPhase("relic/" + s + "/web", "Ready").getString("status.containerId");
        String container = "corral-relic-" + s + "-web";
        apply(relic(s, "web", "command: [sleep, \"3600\"]\nstate: Stopped"));
        awaitPhase("relic/" + s + "/web", "Stopped");
        await().atMost(Specs.CONVERGE).until(() -> "false".equals(Docker.inspect(container, "{{.State.Running}}")));
        apply(running);
        JsonPath again = awaitPhase("relic/" + s + "/web", "Ready");
        assertEquals(id, Docker.inspect(container, "{{.Id}}"), "the same container, started again");
        assertEquals(0, again.getInt("status.restarts"), "a start asked for is not a restart: " + again.prettify());
        Specs.delete("session/" + s);
    }

    @Test
    void aPausedRelicKeepsItsProcessFrozenAndThawsWithoutARestart() {
        String s = unique("ops");
        String serve = "command: [httpd, -f, -p, \"8080\", -h, /www]\nport: 8080\n"
                + "health: {http: {port: 8080, path: /}, periodSeconds: 1}\n";
        apply(session(s) + "---\n" + relic(s, "web", serve + "state: Running"));
        awaitPhase("relic/" + s + "/web", "Ready");
        String container = "corral-relic-" + s + "-web";
        String pid = Docker.inspect(container, "{{.State.Pid}}");

        apply(relic(s, "web", serve + "state: Paused"));
        awaitPhase("relic/" + s + "/web", "Paused");
        await().atMost(Specs.CONVERGE).until(() -> "true".equals(Docker.inspect(container, "{{.State.Paused}}")));
        // Frozen, not probed: it stays Paused, never Unhealthy nor restarted, for several probe periods.
        JsonPath held = await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> Specs.get("relic/" + s + "/web"), j -> "Paused".equals(j.getString("status.phase")));
        assertEquals(0, held.getInt("status.restarts"), held.prettify());

        apply(relic(s, "web", serve + "state: Running"));
        awaitPhase("relic/" + s + "/web", "Ready");
        assertEquals("false", Docker.inspect(container, "{{.State.Paused}}"));
        assertEquals(pid, Docker.inspect(container, "{{.State.Pid}}"), "the same process, thawed");

        apply(relic(s, "web", serve + "state: Paused"));
        awaitPhase("relic/" + s + "/web", "Paused");
        apply(relic(s, "web", serve + "state: Stopped"));
        awaitPhase("relic/" + s + "/web", "Stopped");
        await().atMost(Specs.CONVERGE).until(() -> "false".equals(Docker.inspect(container, "{{.State.Running}}")));
        Specs.delete("session/" + s);
    }

    @Test
    void pastMaxRestartsARelicIsFailedUntilItsSpecChanges() {
        String s = unique("ops");
        apply(session(s) + "---\n" + relic(s, "crash", "command: [sh, -c, \"exit 3\"]\nmaxRestarts: 2\nenv: {V: \"1\"}"));
        JsonPath failed = await().atMost(Specs.CONVERGE).pollInterval(Duration.ofMillis(200))
                .until(() -> Specs.get("relic/" + s + "/crash"), j -> "Failed".equals(j.getString("status.phase")));
        assertTrue(failed.getString("status.message").contains("maxRestarts 2"), failed.prettify());
        assertEquals(2, failed.getInt("status.restartsSinceSpec"));
        assertEquals(2, failed.getInt("status.restarts"));
        String container = "corral-relic-" + s + "-crash";
        assertEquals("false", Docker.inspect(container, "{{.State.Running}}"));

        apply(relic(s, "crash", "command: [sh, -c, \"exit 3\"]\nmaxRestarts: 2\nenv: {V: \"2\"}"));
        JsonPath again = await().atMost(Specs.CONVERGE).pollInterval(Duration.ofMillis(200))
                .until(() -> Specs.get("relic/" + s + "/crash"), j -> "Failed".equals(j.getString("status.phase"))
                        && j.getInt("status.observedGeneration") == 2);
        assertEquals(2, again.getInt("status.restartsSinceSpec"), again.prettify());
        assertEquals(4, again.getInt("status.restarts"), "the total goes on");
        Specs.delete("session/" + s);
    }

    @Test
    void aRelicPastItsLifetimeIsStoppedAndKept() {
        String s = unique("ops");
        apply(session(s) + "---\n" + relic(s, "brief", "command: [sleep, \"3600\"]\nlifetimeSeconds: 3"));
        String container = "corral-relic-" + s + "-brief";
        JsonPath stopped = await().atMost(Specs.CONVERGE).pollInterval(Duration.ofMillis(200))
                .until(() -> Specs.get("relic/" + s + "/brief"), j -> "Stopped".equals(j.getString("status.phase")));
        assertTrue(stopped.getString("status.message").startsWith("its lifetime ran out at"), stopped.prettify());
        assertEquals("false", Docker.inspect(container, "{{.State.Running}}"));
        apply(relic(s, "brief", "command: [sleep, \"3600\"]\nlifetimeSeconds: 3600"));
        awaitPhase("relic/" + s + "/brief", "Ready");
        assertEquals("true", Docker.inspect(container, "{{.State.Running}}"), "more lifetime: it runs again");
        Specs.delete("session/" + s);
    }
}
