package dev.corral.converge.drift;

import dev.corral.support.Docker;
import dev.corral.support.Specs;
import dev.corral.testing.EngineTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.corral.support.Specs.apply;
import static dev.corral.support.Specs.awaitPhase;
import static dev.corral.support.Specs.httpRelic;
import static dev.corral.support.Specs.session;
import static dev.corral.support.Specs.unique;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Spec changes, garbage, name clashes, agents and waiting for convergence. */
@EngineTest
@QuarkusTest
class DriftTest {

    static {
        dev.corral.support.Rest.configure();
    }

    @Test
    void aChangedEnvRecreatesTheContainerAndStatusFollowsTheGeneration() {
        String s = unique("s");
        apply(session(s) + "---\n" + httpRelic(s, "web", "env: {MODE: a}\n"));
        String path = "relic/" + s + "/web";
        String first = awaitPhase(path, "Ready").getString("status.containerId");

        apply(httpRelic(s, "web", "env: {MODE: b}\n"));
        await().atMost(Specs.CONVERGE).untilAsserted(() -> {
            JsonPath o = Specs.get(path);
            assertEquals(2, o.getInt("metadata.generation"));
            assertEquals(2, o.getInt("status.observedGeneration"));
            assertEquals("Ready", o.getString("status.phase"));
            assertNotEquals(first, o.getString("status.containerId"));
        });
        String env = Docker.inspect("corral-relic-" + s + "-web", "{{json .Config.Env}}");
        assertTrue(env.contains("MODE=b"), env);
        assertEquals(1, Docker.containers("corral.dev/session=" + s).size(), "the old container is gone");

        // A change that needs no new container (the probe) keeps it.
        String second = Specs.get(path).getString("status.containerId");
        apply(httpRelic(s, "web", "env: {MODE: b}\n").replace("failureThreshold: 2", "failureThreshold: 3"));
        await().atMost(Specs.CONVERGE).untilAsserted(() -> assertEquals(3, Specs.get(path).getInt("status.observedGeneration")));
        assertEquals(second, Specs.get(path).getString("status.containerId"));
        Specs.delete("session/" + s);
    }

    @Test
    void anOrphanLabelledContainerIsRemovedAndAnUnlabelledOneIsLeftAlone() {
        String s = unique("s");
        // An orphan: labelled as this Corral's, but no spec wants it.
        String orphan = "corral-relic-" + s + "-ghost";
        Docker.run("create", "--name", orphan, "--label", "corral.dev/managed=true", "--label", "corral.dev/instance=test",
                "--label", "corral.dev/kind=Relic", "--label", "corral.dev/name=ghost", "--label", "corral.dev/session=" + s,
                "corral/busybox:latest", "sleep", "60");
        // A stranger with the name a relic wants, and no labels.
        String clash = "corral-relic-" + s + "-web";
        Docker.run("create", "--name", clash, "corral/busybox:latest", "sleep", "60");
        try {
            apply(session(s) + "---\n" + httpRelic(s, "web", ""));
            await().atMost(Specs.CONVERGE).untilAsserted(() -> assertTrue(!Docker.exists(orphan), "orphan removed"));
            JsonPath failed = awaitPhase("relic/" + s + "/web", "Failed");
            assertTrue(failed.getString("status.message").contains("does not own"), failed.prettify());
            assertEquals("NameConflict", failed.getString("status.conditions.find { it.type == 'Ready' }.reason"));
            assertTrue(Docker.exists(clash), "a container without Corral's labels is never touched");
            assertEquals("", Docker.inspect(clash, "{{index .Config.Labels \"corral.dev/managed\"}}"));
        } finally {
            Docker.tryRun("rm", "-f", clash);
            Specs.delete("session/" + s);
        }
    }

    @Test
    void anAgentRunsWithItsCodeReadOnlyAndStopsAndStartsWithItsState() throws Exception {
        Path code = Path.of("target/test-agents/" + unique("bot"));
        Files.createDirectories(code);
        Files.writeString(code.resolve("main.sh"), "echo hi\n");
        String name = unique("bot");
        String agent = """
                apiVersion: corral.dev/v1
                kind: Agent
                metadata: {name: %s}
                spec:
                  image: corral/busybox:latest
                  command: ["sleep", "3600"]
                  code: %s
                  state: %s
                """;
        apply(agent.formatted(name, code.toAbsolutePath(), "Running"));
        String id = awaitPhase("agent/" + name, "Ready").getString("status.containerId");
        String container = "corral-agent-" + name;
        assertEquals("echo hi", Docker.run("exec", container, "cat", "/app/agent/main.sh"));
        assertNotEquals(0, Docker.tryRun("exec", container, "touch", "/app/agent/x").exit(), "code is read-only");

        apply(agent.formatted(name, code.toAbsolutePath(), "Stopped"));
        awaitPhase("agent/" + name, "Stopped");
        await().atMost(Specs.CONVERGE).until(() -> "false".equals(Docker.inspect(container, "{{.State.Running}}")));
        assertEquals(id, Docker.inspect(container, "{{.Id}}"), "stopped, not deleted");

        apply(agent.formatted(name, code.toAbsolutePath(), "Running"));
        awaitPhase("agent/" + name, "Ready");
        assertEquals(id, Docker.inspect(container, "{{.Id}}"));
        Specs.delete("agent/" + name);
        await().atMost(Specs.CONVERGE).until(() -> !Docker.exists(container));
    }

    @Test
    void putWithWaitAnswersWhenEverythingIsReadyOrFailed() {
        String s = unique("s");
        var reply = given().contentType("application/yaml").queryParam("wait", true).queryParam("timeout", "60s")
                .body(session(s) + "---\n" + httpRelic(s, "web", "") + "---\n" + httpRelic(s, "api", ""))
                .put("/specs").then().statusCode(200)
                .body("timedOut", equalTo(false))
                .body("results.outcome", equalTo(List.of("Ready", "Ready", "Ready")))
                .extract().jsonPath();
        assertEquals("Ready", reply.getString("results[1].status.phase"));
        assertEquals("true", Docker.inspect("corral-relic-" + s + "-web", "{{.State.Running}}"));

        // An image that is not there, with imagePullPolicy Never: a terminal failure, reported, not retried.
        given().contentType("application/yaml").queryParam("wait", true).queryParam("timeout", "30s")
                .body(httpRelic(s, "nope", "imagePullPolicy: Never\n").replace("corral/busybox:latest", "corral/absent:1"))
                .put("/specs").then().statusCode(200)
                .body("results[0].outcome", equalTo("Failed"))
                .body("results[0].status.conditions[0].reason", equalTo("ImagePullFailed"));

        // A short timeout on something that cannot get ready says so.
        given().contentType("application/yaml").queryParam("wait", true).queryParam("timeout", "1s")
                .body(httpRelic(s, "slow", "").replace("[\"httpd\", \"-f\", \"-p\", \"8080\", \"-h\", \"/www\"]",
                        "[\"sleep\", \"600\"]"))
                .put("/specs").then().statusCode(200)
                .body("timedOut", equalTo(true))
                .body("results[0].outcome", equalTo("TimedOut"));
        given().contentType("application/yaml").queryParam("wait", true).queryParam("timeout", "soon")
                .body(session(s)).put("/specs").then().statusCode(400);
        Specs.delete("session/" + s);
        await().atMost(Duration.ofSeconds(60)).until(() -> Docker.containers("corral.dev/session=" + s).isEmpty());
    }

    @Test
    void aRelicCutOffItsNetworkIsReconnectedUnderItsName() {
        String s = unique("s");
        apply(session(s) + "---\n" + httpRelic(s, "web", "") + "---\n" + httpRelic(s, "api", ""));
        awaitPhase("relic/" + s + "/web", "Ready");
        String id = awaitPhase("relic/" + s + "/api", "Ready").getString("status.containerId");
        Docker.run("network", "disconnect", "-f", "corral-session-" + s, "corral-relic-" + s + "-api");
        await().atMost(Specs.CONVERGE).untilAsserted(() -> assertEquals(0, Docker.tryRun("exec",
                "corral-relic-" + s + "-web", "timeout", "2", "wget", "-q", "-O", "-", "http://api:8080/").exit()));
        assertEquals(id, Docker.inspect("corral-relic-" + s + "-api", "{{.Id}}"), "reconnected, not re-created");
        Specs.delete("session/" + s);
    }
}
