package dev.corral.seeds;

import dev.corral.support.Docker;
import dev.corral.support.LogStreams;
import dev.corral.support.Specs;
import dev.corral.testing.EngineTest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static dev.corral.support.Specs.unique;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LAIS's {@code /api/*} against the real engine: deploy, list, get, logs, stream, metrics, stop, start, delete, health. */
@EngineTest
@QuarkusTest
class LaisApiTest {

    static {
        dev.corral.support.Rest.configure();
    }

    @TestHTTPResource("/")
    URI base;

    @Test
    void anAgentDeployedThroughLaisRunsItsCodeAndAnswersEveryEndpoint() throws Exception {
        String seedName = unique("research_bot").replace('-', '_');
        Path code = Path.of("target/test-agents/" + unique("lais"));
        Files.createDirectories(code);
        Files.writeString(code.resolve("agent.sh"), "echo hello-from-agent\n");
        Map<String, Object> body = Map.of("name", seedName, "code_path", code.toAbsolutePath().toString(),
                "image", "corral/busybox:latest",
                "command", new String[]{"sh", "-c", "sh /app/agent/agent.sh; echo to-stderr >&2; exec sleep 3600"},
                "env", Map.of("MODE", "test"), "resource_limits", Map.of("memory_mb", 64, "cpu_limit", 0.5),
                "unknown_field", "ignored, as LAIS's FastAPI ignores it");

        JsonPath deployed = given().contentType("application/json").body(body).post("/api/deploy")
                .then().statusCode(201).extract().jsonPath();
        assertEquals(seedName, deployed.getString("id"), "the seed's id stays the seed's");
        assertEquals("running", deployed.getString("status"));
        String agent = deployed.getString("agent");
        assertEquals(SeedNames.toObjectName(seedName), agent);
        assertNotEquals(seedName, agent, "an underscore is mapped");
        String containerId = deployed.getString("container_id");
        String container = "corral-agent-" + agent;
        assertEquals("echo hello-from-agent", Docker.run("exec", container, "cat", "/app/agent/agent.sh"));
        assertNotEquals(0, Docker.tryRun("exec", container, "touch", "/app/agent/x").exit(), "code is read-only");
        assertEquals("test", Docker.run("exec", container, "sh", "-c", "echo $MODE"));
        assertEquals(String.valueOf(64 * 1024 * 1024), Docker.inspect(container, "{{.HostConfig.Memory}}"));
        assertEquals(seedName, Specs.get("agent/" + agent).getString("metadata.annotations.'corral.dev/seed-name'"));

        given().get("/api/containers").then().statusCode(200).body("containers.find { it.id == '" + seedName + "' }.agent",
                equalTo(agent));
        given().get("/api/containers/" + seedName).then().statusCode(200).body("container_id", equalTo(containerId));
        given().get("/api/containers/" + containerId.substring(0, 12)).then().statusCode(200).body("id", equalTo(seedName));
        given().get("/api/containers/" + agent).then().statusCode(200).body("id", equalTo(seedName));

        await().atMost(Specs.CONVERGE).untilAsserted(() -> given().get("/api/containers/" + seedName + "/logs")
                .then().statusCode(200).body("logs", containsString("hello-from-agent"))
                .body("stderr", equalTo("to-stderr")));
        await().atMost(Specs.CONVERGE).untilAsserted(() -> given().get("/api/containers/" + seedName + "/metrics")
                .then().statusCode(200).body("sampled", equalTo(true)).body("container_id", equalTo(containerId)));
        JsonPath metrics = given().get("/api/containers/" + seedName + "/metrics").then().extract().jsonPath();
        assertTrue(metrics.getLong("memory_usage_bytes") > 0, metrics.prettify());
        assertEquals(64L * 1024 * 1024, metrics.getLong("memory_limit_bytes"));

        try (LogStreams.Ws ws = LogStreams.webSocket(URI.create(base.toString().replace("http", "ws")
                + "api/containers/" + seedName + "/logs/stream"))) {
            await().atMost(Specs.CONVERGE).until(() -> ws.messages.stream().anyMatch(m -> m.contains("hello-from-agent")));
        }

        given().post("/api/containers/" + seedName + "/stop").then().statusCode(200).body("status", equalTo("exited"))
                .body("state", equalTo("Stopped"));
        assertEquals("false", Docker.inspect(container, "{{.State.Running}}"));
        given().get("/api/health/containers").then().statusCode(200).body("exited", org.hamcrest.Matchers.greaterThanOrEqualTo(1));
        given().post("/api/containers/" + seedName + "/start").then().statusCode(200).body("status", equalTo("running"));
        assertEquals("true", Docker.inspect(container, "{{.State.Running}}"));
        assertEquals(containerId, Docker.inspect(container, "{{.Id}}"), "stopped and started, not re-created");

        given().contentType("application/json").body(body).post("/api/deploy").then().statusCode(200)
                .body("container_id", equalTo(containerId));

        given().delete("/api/containers/" + seedName).then().statusCode(200).body("status", equalTo("removed"));
        await().atMost(Specs.CONVERGE).until(() -> !Docker.exists(container));
        given().get("/api/containers/" + seedName).then().statusCode(404).body("error", containsString(seedName));
    }

    @Test
    void aBadDeployIsA400NamingTheFieldAndDeclaresNothing() {
        given().contentType("application/json").body(Map.of("name", "x_y")).post("/api/deploy")
                .then().statusCode(400).body("error", containsString("code_path"));
        given().contentType("application/json").body(Map.of("name", "x_y", "code_path", "/etc"))
                .post("/api/deploy").then().statusCode(400).body("error", containsString("spec.code"));
        given().contentType("application/json")
                .body(Map.of("name", "x_y", "code_path", "a", "resource_limits", Map.of("memory_mb", "lots")))
                .post("/api/deploy").then().statusCode(400).body("error", containsString("resource_limits.memory_mb"));
        given().contentType("application/json").body("[1]").post("/api/deploy").then().statusCode(400);
        given().get("/api/containers/x_y").then().statusCode(404);
        given().post("/api/containers/nope/stop").then().statusCode(404);
    }

    @Test
    void healthEndpointsAnswerInTheSeedsShape() {
        given().get("/api/health").then().statusCode(200).body("status", equalTo("healthy"))
                .body("docker.status", equalTo("connected")).body("store.status", equalTo("ok"));
        given().get("/api/health/docker").then().statusCode(200).body("status", equalTo("connected"));
        JsonPath counts = given().get("/api/health/containers").then().statusCode(200).extract().jsonPath();
        assertNotNull(counts.get("running"));
        assertTrue(counts.getInt("total") >= 0);
        // CodeRunner's (seed 004), beside its POST /execute.
        given().get("/").then().statusCode(200).body("service", equalTo("corral")).body("status", equalTo("running"));
        given().get("/health").then().statusCode(200).body("status", equalTo("healthy"))
                .body("docker.status", equalTo("connected"));
    }
}
