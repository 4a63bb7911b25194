package dev.corral.stats;

import dev.corral.support.Docker;
import dev.corral.support.Specs;
import dev.corral.testing.EngineTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static dev.corral.support.Specs.apply;
import static dev.corral.support.Specs.awaitPhase;
import static dev.corral.support.Specs.httpRelic;
import static dev.corral.support.Specs.session;
import static dev.corral.support.Specs.unique;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stats of real containers: a busy relic's CPU and memory, a served relic's network counters, the series. */
@EngineTest
@QuarkusTest
class StatsEngineTest {

    static {
        dev.corral.support.Rest.configure();
    }

    @Test
    void aBusyRelicUsesCpuAndMemoryAndTrafficShowsInItsCounters() throws Exception {
        String s = unique("s");
        apply(session(s) + "---\n" + httpRelic(s, "web", "") + """
                ---
                apiVersion: corral.dev/v1
                kind: Relic
                metadata: {name: busy, session: %s}
                spec:
                  image: corral/busybox:latest
                  command: ["sh", "-c", "while :; do :; done"]
                  resources: {memoryMb: 32, cpus: 0.2, pids: 32}
                """.formatted(s));
        awaitPhase("relic/" + s + "/busy", "Ready");
        awaitPhase("relic/" + s + "/web", "Ready");

        JsonPath busy = await().atMost(Specs.CONVERGE).pollInterval(Duration.ofMillis(200))
                .until(() -> objectStats("relic/" + s + "/busy"),
                        j -> j.getList("items").size() == 1 && j.get("items[0].cpu.percent") != null
                                && j.getDouble("items[0].cpu.percent") > 1);
        assertTrue(busy.getDouble("items[0].cpu.seconds") > 0, busy.prettify());
        assertTrue(busy.getLong("items[0].memory.usageBytes") > 0, busy.prettify());
        assertEquals(32L * 1024 * 1024, busy.getLong("items[0].memory.limitBytes"), busy.prettify());
        assertTrue(busy.getDouble("items[0].cpu.percent") < 40, "limited to 0.2 CPU: " + busy.prettify());
        assertTrue(busy.getLong("items[0].pids") >= 1, busy.prettify());
        assertEquals("Relic", busy.getString("kind"));

        // Traffic to the web relic: its counters grow by at least what was sent and received.
        JsonPath before = objectStats("relic/" + s + "/web");
        long rx = before.getLong("items[0].network.rxBytes");
        long tx = before.getLong("items[0].network.txBytes");
        String ip = Docker.inspect("corral-relic-" + s + "-web", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}");
        HttpClient http = HttpClient.newHttpClient();
        long sent = 0;
        for (int i = 0; i < 20; i++) {
            String padding = "x".repeat(4000);
            http.send(HttpRequest.newBuilder(URI.create("http://" + ip + ":8080/" + padding)).build(),
                    HttpResponse.BodyHandlers.discarding());
            sent += padding.length();
        }
        long atLeast = sent;
        await().atMost(Specs.CONVERGE).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            JsonPath after = objectStats("relic/" + s + "/web");
            assertTrue(after.getLong("items[0].network.rxBytes") >= rx + atLeast, after.prettify());
            assertTrue(after.getLong("items[0].network.txBytes") > tx, after.prettify());
        });

        // The session's view, with its totals.
        JsonPath list = given().queryParam("session", s).get("/stats").then().statusCode(200).extract().jsonPath();
        assertEquals(2, list.getList("items").size(), list.prettify());
        assertEquals(2, list.getInt("sessions.'" + s + "'.containers"), list.prettify());
        assertTrue(list.getDouble("sessions.'" + s + "'.cpuSeconds") > 0, list.prettify());

        // The series, gone with their containers.
        String series = "corral_container_cpu_seconds_total{container=\"corral-relic-" + s + "-busy\"";
        await().atMost(Specs.CONVERGE).until(() -> metrics().contains("name=\"busy\"") && metrics().contains(s));
        assertTrue(metrics().lines().anyMatch(l -> l.startsWith("corral_container_memory_bytes{") && l.contains(s)));
        Specs.delete("session/" + s);
        await().atMost(Specs.CONVERGE).pollInterval(Duration.ofMillis(200))
                .until(() -> metrics().lines().noneMatch(l -> l.startsWith("corral_container_") && l.contains(s)));
        assertFalse(metrics().contains(series));
    }

    @Test
    void unknownObjectsAndKindsAre404AndARelicNamedStatsIsStillReadable() {
        given().get("/specs/relic/nope/nope/stats").then().statusCode(404);
        given().get("/specs/widget/x/stats").then().statusCode(404);
        given().get("/stats?kind=widget").then().statusCode(404);
        // /specs/relic/{session}/stats is also the stats path of a session-less object: a Relic has none.
        String s = unique("s");
        apply(session(s) + """
                ---
                apiVersion: corral.dev/v1
                kind: Relic
                metadata: {name: stats, session: %s}
                spec: {image: corral/busybox:latest, command: [sleep, "600"]}
                """.formatted(s));
        JsonPath o = given().get("/specs/relic/" + s + "/stats").then().statusCode(200).extract().jsonPath();
        assertEquals("stats", o.getString("metadata.name"));
        assertEquals(s, o.getString("metadata.session"));
        Specs.delete("session/" + s);
    }

    private static JsonPath objectStats(String path) {
        return given().get("/specs/" + path + "/stats").then().statusCode(200).extract().jsonPath();
    }

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }
}
