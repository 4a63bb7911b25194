package dev.corral.seeds;

import dev.corral.support.Docker;
import dev.corral.support.Specs;
import dev.corral.testing.EngineTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static dev.corral.support.Specs.unique;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cortex-Prime's {@code /containers/*} against the real engine, with the seed's own example bodies
 * (its README's curl examples, verbatim) and images of those names built here from busybox.
 */
@EngineTest
@QuarkusTest
class CortexApiTest {

    static {
        dev.corral.support.Rest.configure();
    }

    static final String TOOL_IMAGE = "cortex/tool-pdf-extractor:latest";
    static final String RELIC_IMAGE = "cortex/relic-research-cache:latest";

    /** The seed's examples, as its README writes them. */
    static final String EXECUTE = """
            {
                "tool_name": "pdf_extractor",
                "session_id": "session_abc123",
                "parameters": {"file": "document.pdf"},
                "image": "cortex/tool-pdf-extractor:latest",
                "resource_limits": {
                  "memory_mb": 512,
                  "cpu_limit": 1.0,
                  "timeout_seconds": 300
                },
                "cleanup": true
              }""";
    static final String START_RELIC = """
            {
                "relic_name": "research_cache",
                "session_id": "session_abc123",
                "image": "cortex/relic-research-cache:latest",
                "resource_limits": {
                  "memory_mb": 1024,
                  "cpu_limit": 2.0,
                  "timeout_seconds": 600
                },
                "create_private_network": true,
                "health_check_endpoint": "/health",
                "health_check_timeout_seconds": 30
              }""";
    static final String CLEANUP = """
            {
                "session_id": "session_abc123",
                "force": true
              }""";

    @BeforeAll
    static void images() throws Exception {
        build(TOOL_IMAGE, "CMD [\"sh\", \"-c\", \"echo extracting $CORRAL_PARAM_FILE >&2; "
                + "echo '{\\\"pages\\\": 3, \\\"file\\\": \\\"'$CORRAL_PARAM_FILE'\\\"}'\"]");
        build("cortex/tool-pdf-extractor:v2", "CMD [\"sh\", \"-c\", \"echo '{\\\"pages\\\": 4, \\\"version\\\": 2}'\"]");
        build("cortex/tool-sleeper:latest", "CMD [\"sleep\", \"120\"]");
        build(RELIC_IMAGE, "RUN mkdir -p /www && echo ok > /www/health\nCMD [\"httpd\", \"-f\", \"-p\", \"8000\", \"-h\", \"/www\"]");
    }

    static void build(String tag, String rest) throws Exception {
        Path dir = Files.createTempDirectory("cortex-image");
        Files.writeString(dir.resolve("Dockerfile"), "FROM corral/busybox:latest\n" + rest + "\n");
        Docker.run("build", "-q", "-t", tag, dir.toString());
    }

    @Test
    void theSeedsToolExampleRunsAsWrittenAndCleansUp() {
        JsonPath r = given().contentType("application/json").body(EXECUTE).post("/containers/tool/execute")
                .then().statusCode(200).extract().jsonPath();
        assertEquals("completed", r.getString("status"), r.prettify());
        assertEquals(0, r.getInt("exit_code"));
        assertEquals("pdf_extractor", r.getString("tool_name"));
        assertEquals("session_abc123", r.getString("session_id"));
        assertEquals(3, r.getInt("result.pages"));
        assertEquals("document.pdf", r.getString("result.file"), "parameters arrive as CORRAL_PARAM_ variables");
        assertTrue(r.getString("stderr").contains("extracting document.pdf"), r.prettify());
        assertNotNull(r.get("resource_usage.memory_peak_bytes"), r.prettify());
        assertTrue(r.getLong("duration_ms") >= 0);
        String id = r.getString("execution_id");

        given().get("/containers/tool/" + id).then().statusCode(200).body("status", equalTo("completed"))
                .body("result.pages", equalTo(3));
        given().get("/containers/tool/" + id + "/logs").then().statusCode(200)
                .body("stdout", containsString("\"pages\": 3")).body("stderr", containsString("extracting"));
        await().atMost(Specs.CONVERGE).until(() -> Docker.containers("corral.dev/name=" + id).isEmpty()); // cleanup: true
        given().post("/containers/tool/" + id + "/cancel").then().statusCode(409).body("error", containsString("finished"));
        given().get("/containers/tool/exec-nope").then().statusCode(404);
    }

    @Test
    void cleanupFalseKeepsTheContainerUntilTheRunIsDeleted() {
        String body = EXECUTE.replace("\"cleanup\": true", "\"cleanup\": false").replace("session_abc123", "session_keep");
        JsonPath r = given().contentType("application/json").body(body).post("/containers/tool/execute")
                .then().statusCode(200).body("status", equalTo("completed")).extract().jsonPath();
        String id = r.getString("execution_id");
        String container = r.getString("container_id");
        assertEquals("false", Docker.inspect(container, "{{.State.Running}}"), "kept, exited");
        given().delete("/runs/" + id + "?session=" + SeedNames.toObjectName("session_keep")).then().statusCode(200);
        await().atMost(Specs.CONVERGE).until(() -> !Docker.exists(container));
        given().contentType("application/json").body(Map.of("session_id", "session_keep", "force", true))
                .post("/containers/cleanup/session").then().statusCode(200);
    }

    @Test
    void twoSessionsUsingOneToolNameWithDifferentImagesDoNotCollide() {
        String a = EXECUTE.replace("session_abc123", "session_a");
        String b = EXECUTE.replace("session_abc123", "session_b").replace(TOOL_IMAGE, "cortex/tool-pdf-extractor:v2");
        given().contentType("application/json").body(a).post("/containers/tool/execute").then().statusCode(200)
                .body("result.pages", equalTo(3));
        given().contentType("application/json").body(b).post("/containers/tool/execute").then().statusCode(200)
                .body("result.pages", equalTo(4)).body("result.version", equalTo(2));
        List<String> tools = given().get("/specs?kind=tool").then().extract().jsonPath()
                .getList("items.findAll { it.metadata.annotations?.'corral.dev/seed-name' == 'pdf_extractor' }.spec.image");
        assertTrue(tools.contains(TOOL_IMAGE) && tools.contains("cortex/tool-pdf-extractor:v2"), tools.toString());
        for (String s : List.of("session_a", "session_b")) {
            given().contentType("application/json").body(Map.of("session_id", s, "force", true))
                    .post("/containers/cleanup/session").then().statusCode(200);
        }
    }

    @Test
    void aRunningExecutionIsCancelledAndACleanupWithoutForceIsRefusedWhileItRuns() {
        String session = unique("session_cancel").replace('-', '_');
        String body = EXECUTE.replace("session_abc123", session).replace(TOOL_IMAGE, "cortex/tool-sleeper:latest");
        CompletableFuture<JsonPath> waiting = CompletableFuture.supplyAsync(() -> given().contentType("application/json")
                .body(body).post("/containers/tool/execute").then().statusCode(200).extract().jsonPath());
        String run = await().atMost(Specs.CONVERGE).until(() -> given().get("/specs?kind=toolrun&session="
                        + SeedNames.toObjectName(session)).then().extract().jsonPath()
                .getString("items.find { it.status?.phase == 'Running' }.metadata.name"), n -> n != null);
        given().contentType("application/json").body(Map.of("session_id", session))
                .post("/containers/cleanup/session").then().statusCode(409).body("error", containsString(run));
        given().post("/containers/tool/" + run + "/cancel").then().statusCode(202);
        JsonPath r = waiting.join();
        assertEquals("cancelled", r.getString("status"), r.prettify());
        given().contentType("application/json").body(Map.of("session_id", session)).post("/containers/cleanup/session")
                .then().statusCode(200).body("executions_removed", equalTo(1));
    }

    @Test
    void theSeedsRelicExampleStartsHealthyAndIsListedStatsStoppedAndDeleted() {
        JsonPath r = given().contentType("application/json").body(START_RELIC).post("/containers/relic/start")
                .then().statusCode(200).extract().jsonPath();
        assertEquals("running", r.getString("status"), r.prettify());
        assertTrue(r.getBoolean("healthy"), r.prettify());
        assertEquals("research_cache", r.getString("relic_name"));
        assertEquals("session_abc123", r.getString("session_id"));
        String relicId = r.getString("relic_id");
        assertTrue(relicId.matches("relic_[0-9a-f]{12}"), relicId);
        String name = SeedNames.toObjectName("research_cache");
        assertEquals("http://" + name + ":8000", r.getString("internal_url"));
        String network = r.getString("network_id");
        assertNotNull(network);
        String container = r.getString("container_name");
        assertEquals(String.valueOf(1024L * 1024 * 1024), Docker.inspect(container, "{{.HostConfig.Memory}}"));
        assertEquals(String.valueOf(2_000_000_000L), Docker.inspect(container, "{{.HostConfig.NanoCpus}}"));
        assertEquals("true", Docker.run("network", "inspect", "-f", "{{.Internal}}", network), "a private network");

        given().get("/containers/relic/" + relicId).then().statusCode(200).body("container_id", equalTo(r.getString("container_id")));
        given().get("/containers/relic?session_id=session_abc123").then().statusCode(200).body("total", equalTo(1))
                .body("relics[0].relic_id", equalTo(relicId));
        await().atMost(Specs.CONVERGE).untilAsserted(() -> given().get("/containers/stats/" + relicId).then().statusCode(200)
                .body("sampled", equalTo(true)).body("memory_limit_bytes", equalTo(1024 * 1024 * 1024)));
        given().get("/containers/stats").then().statusCode(200).body("containers.container_name", hasItem(container));

        given().post("/containers/relic/" + relicId + "/stop").then().statusCode(200).body("status", equalTo("exited"));
        assertEquals("false", Docker.inspect(container, "{{.State.Running}}"));
        given().delete("/containers/relic/" + relicId).then().statusCode(200).body("status", equalTo("deleted"));
        await().atMost(Specs.CONVERGE).until(() -> !Docker.exists(container));
        given().get("/containers/relic/" + relicId).then().statusCode(404);

        given().contentType("application/json").body(CLEANUP).post("/containers/cleanup/session")
                .then().statusCode(200).body("status", equalTo("cleaned"));
        await().atMost(Specs.CONVERGE).until(() -> Docker.tryRun("network", "inspect", network).exit() != 0);
        given().contentType("application/json").body(CLEANUP).post("/containers/cleanup/session").then().statusCode(404);
    }

    @Test
    void aRelicsTimeoutIsItsLifetime() {
        String session = unique("session_life").replace('-', '_');
        String body = START_RELIC.replace("session_abc123", session).replace("\"timeout_seconds\": 600", "\"timeout_seconds\": 4");
        JsonPath r = given().contentType("application/json").body(body).post("/containers/relic/start")
                .then().statusCode(200).body("status", equalTo("running")).extract().jsonPath();
        String relicId = r.getString("relic_id");
        String container = r.getString("container_name");
        assertNotNull(r.getString("expires_at"));
        await().atMost(Specs.CONVERGE).untilAsserted(() -> given().get("/containers/relic/" + relicId).then()
                .body("status", equalTo("exited")).body("message", startsWith("its lifetime ran out at")));
        assertEquals("false", Docker.inspect(container, "{{.State.Running}}"), "stopped and kept");
        given().contentType("application/json").body(Map.of("session_id", session, "force", true))
                .post("/containers/cleanup/session").then().statusCode(200).body("relics_removed", equalTo(1));
        await().atMost(Specs.CONVERGE).until(() -> !Docker.exists(container));
    }

    @Test
    void allNetworksRemovesCorralNetworksThatNoSessionWants() {
        String source = unique("netsrc");
        Specs.apply(Specs.session(source));
        String network = Specs.awaitPhase("session/" + source, "Ready").getString("status.network");
        String labels = Docker.run("network", "inspect", "-f",
                "{{range $k, $v := .Labels}}{{$k}}={{$v}}\n{{end}}", network);
        String ghost = unique("ghost");
        List<String> args = new ArrayList<>(List.of("network", "create", "--internal"));
        for (String l : labels.split("\n")) {
            if (l.isBlank() || l.startsWith("corral.dev/subnet=")) {
                continue;
            }
            args.add("--label");
            args.add(l.replace(source, ghost));
        }
        args.add("corral-session-" + ghost);
        Docker.run(args.toArray(String[]::new));
        JsonPath r = given().post("/containers/cleanup/all-networks").then().statusCode(200).extract().jsonPath();
        assertTrue(r.getList("networks_left").isEmpty(), r.prettify());
        assertFalse(Docker.networks("corral.dev/session=" + ghost).contains("corral-session-" + ghost), r.prettify());
        assertEquals(0, Docker.tryRun("network", "inspect", network).exit(), "a wanted network stays");
        given().post("/containers/cleanup/all-networks").then().statusCode(200).body("count", greaterThanOrEqualTo(0));
        Specs.delete("session/" + source);
    }
}
