package dev.corral.converge.events;

import dev.corral.support.Docker;
import dev.corral.support.Specs;
import dev.corral.testing.EngineTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.corral.support.Specs.apply;
import static dev.corral.support.Specs.awaitPhase;
import static dev.corral.support.Specs.httpRelic;
import static dev.corral.support.Specs.session;
import static dev.corral.support.Specs.unique;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Events on the real engine: a killed container, a crash loop, a relic's life from created to deleted. */
@EngineTest
@QuarkusTest
class EventsTest {

    static {
        dev.corral.support.Rest.configure();
    }

    /** An object's events, least recently seen first. */
    static List<Map<String, Object>> events(String path) {
        return given().get("/specs/" + path + "/events").then().statusCode(200).extract().jsonPath().getList("items");
    }

    static List<Map<String, Object>> withReason(List<Map<String, Object>> events, String reason) {
        return events.stream().filter(e -> reason.equals(e.get("reason"))).toList();
    }

    static int count(Map<String, Object> event) {
        return ((Number) event.get("count")).intValue();
    }

    @Test
    void aKilledRelicsContainerMakesKilledThenStartedEvents() {
        String s = unique("s");
        apply(session(s) + "---\n" + httpRelic(s, "web", ""));
        String path = "relic/" + s + "/web";
        JsonPath ready = awaitPhase(path, "Ready");
        String uid = ready.getString("metadata.uid");
        String name = "corral-relic-" + s + "-web";
        List<Map<String, Object>> before = events(path);
        assertEquals(1, withReason(before, "Created").size(), before::toString);
        assertEquals(1, count(withReason(before, "Started").get(0)), before::toString);
        assertTrue(withReason(before, "Killed").isEmpty(), before::toString);

        Docker.run("kill", name);
        await().atMost(Specs.CONVERGE).untilAsserted(() -> {
            List<Map<String, Object>> after = events(path);
            List<Map<String, Object>> killed = withReason(after, "Killed");
            assertEquals(1, killed.size(), after::toString);
            Map<String, Object> k = killed.get(0);
            assertEquals("Warning", k.get("type"));
            assertEquals("container " + name + " died: exited with code 137", k.get("message"));
            assertEquals(1, count(k));
            assertEquals(Map.of("kind", "Relic", "session", s, "name", "web", "uid", uid), k.get("involvedObject"));
            Map<String, Object> started = withReason(after, "Started").get(0);
            assertEquals(2, count(started), "started, then started again after the kill: " + after);
            // The restart came after the death: Started was last seen after Killed.
            assertFalse(Instant.parse((String) started.get("lastTimestamp"))
                    .isBefore(Instant.parse((String) k.get("lastTimestamp"))), after::toString);
        });
        // The same events through GET /events and its filters.
        given().queryParam("session", s).queryParam("name", "web").queryParam("type", "Warning").get("/events")
                .then().statusCode(200).extract().jsonPath().getList("items.reason").forEach(r ->
                        assertTrue(List.of("Killed", "Unhealthy").contains(r), "only warnings: " + r));
        assertEquals(List.of("Created"), given().get("/specs/session/" + s + "/events").then().statusCode(200)
                .extract().jsonPath().getList("items.reason"), "the session made its network");

        Specs.delete("session/" + s);
        await().atMost(Specs.CONVERGE).untilAsserted(() ->
                assertEquals(1, withReason(events(path), "Deleted").size(), () -> events(path).toString()));
    }

    @Test
    void aCrashLoopIsOneBackOffEventWhoseCountGrows() {
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
        // The first restart is at once, then 2 s, 4 s (tests' backoff base): the second wait counts 2.
        await().atMost(Specs.CONVERGE).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            List<Map<String, Object>> all = events(path);
            List<Map<String, Object>> backOff = withReason(all, "BackOff");
            assertEquals(1, backOff.size(), "one event, not one per crash: " + all);
            assertTrue(count(backOff.get(0)) >= 2, all::toString);
        });
        List<Map<String, Object>> all = events(path);
        Map<String, Object> backOff = withReason(all, "BackOff").get(0);
        assertEquals("Warning", backOff.get("type"));
        assertEquals("Back-off restarting failed container corral-relic-" + s + "-crash", backOff.get("message"));
        assertTrue(Instant.parse((String) backOff.get("firstTimestamp"))
                .isBefore(Instant.parse((String) backOff.get("lastTimestamp"))), backOff::toString);
        List<Map<String, Object>> killed = withReason(all, "Killed");
        assertEquals(1, killed.size(), all::toString);
        assertTrue(count(killed.get(0)) >= 3, "each crash counted on one event: " + all);
        assertTrue(((String) killed.get(0).get("message")).endsWith("exited with code 3"), all::toString);
        assertNotNull(Specs.get(path));
        Specs.delete("session/" + s);
    }
}
