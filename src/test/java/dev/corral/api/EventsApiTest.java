package dev.corral.api;

import dev.corral.events.EventRecorder;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.support.Rest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /events} and an object's events over HTTP: filters, refusals naming the parameter,
 * the watch as server-sent events. No engine: events are recorded straight into the recorder (what
 * records them where is tested on the fake and the real engine), except {@code Deleted}, which the
 * store's delete records.
 */
@QuarkusTest
@TestProfile(EventsProfile.class)
class EventsApiTest {

    @Inject
    EventRecorder events;

    @TestHTTPResource("/")
    URL base;

    @BeforeAll
    static void rest() {
        Rest.configure();
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Waits for the watches of earlier tests to be let go (their clients are gone; the sweep runs every second). */
    void noWatches() {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(0, events.watching()));
    }

    @Test
    void listsEventsWithTheirFoldedCountsAndFilters() {
        String s = unique("s");
        ObjectKey web = ObjectKey.of(Kind.Relic, s, "web");
        ObjectKey db = ObjectKey.of(Kind.Relic, s, "db");
        events.normal(web, "u-web", "Started", "started container corral-relic-" + s + "-web");
        events.warning(db, "u-db", "BackOff", "Back-off restarting failed container corral-relic-" + s + "-db");
        events.warning(db, "u-db", "BackOff", "Back-off restarting failed container corral-relic-" + s + "-db");

        given().queryParam("session", s).get("/events").then().statusCode(200)
                .body("items", hasSize(2))
                .body("items[0].reason", equalTo("Started"))
                .body("items[0].type", equalTo("Normal"))
                .body("items[0].involvedObject.kind", equalTo("Relic"))
                .body("items[0].involvedObject.session", equalTo(s))
                .body("items[0].involvedObject.name", equalTo("web"))
                .body("items[0].involvedObject.uid", equalTo("u-web"))
                .body("items[0].count", equalTo(1))
                .body("items[1].reason", equalTo("BackOff"))
                .body("items[1].count", equalTo(2));
        given().queryParam("session", s).queryParam("type", "Warning").get("/events").then().statusCode(200)
                .body("items.involvedObject.name", equalTo(List.of("db")));
        given().queryParam("session", s).queryParam("name", "web").queryParam("kind", "relic").get("/events")
                .then().statusCode(200).body("items.reason", equalTo(List.of("Started")));
        given().queryParam("session", s).queryParam("kind", "agent").get("/events").then().statusCode(200)
                .body("items", hasSize(0));
        given().queryParam("session", s).queryParam("since", "5m").get("/events").then().statusCode(200)
                .body("items", hasSize(2));
        given().queryParam("session", s).queryParam("since", Instant.now().plusSeconds(60).toString()).get("/events")
                .then().statusCode(200).body("items", hasSize(0));
        given().queryParam("session", s).queryParam("since", "2000-01-01T00:00:00+01:00").get("/events")
                .then().statusCode(200).body("items", hasSize(2));
        given().accept("application/yaml").queryParam("session", s).get("/events").then().statusCode(200)
                .body(containsString("reason: BackOff"));
    }

    @Test
    void badFiltersAre400sThatNameTheParameter() {
        record Bad(String param, String value, String says) {
        }
        for (Bad b : List.of(new Bad("kind", "pod", "kind must be"), new Bad("type", "Error", "type must be"),
                new Bad("since", "yesterday", "since must be"), new Bad("since", "5 minutes", "since must be"),
                new Bad("since", "99999999999s", "since must be"), new Bad("watch", "maybe", "watch must be"))) {
            given().queryParam(b.param(), b.value()).get("/events").then()
                    .statusCode(400).contentType("application/json").body("error", containsString(b.says()));
        }
        given().queryParam("type", "Bogus").get("/specs/session/x/events").then().statusCode(400)
                .body("error", containsString("type must be"));
    }

    @Test
    void anObjectsEventsAreItsOwnWhateverItsUid() {
        String s = unique("s");
        ObjectKey web = ObjectKey.of(Kind.Relic, s, "web");
        events.normal(web, "u1", "Created", "created container corral-relic-" + s + "-web");
        events.normal(web, "u2", "Created", "created container corral-relic-" + s + "-web"); // re-created: another uid
        events.normal(ObjectKey.of(Kind.Relic, s, "db"), "u3", "Created", "created");
        events.normal(ObjectKey.of(Kind.Session, null, s), "u4", "Created", "created network corral-session-" + s);
        events.normal(ObjectKey.of(Kind.ToolRun, null, "r1-" + s), "u5", "Started", "alone");
        events.normal(ObjectKey.of(Kind.ToolRun, s, "r1-" + s), "u6", "Started", "in the session");

        given().get("/specs/relic/" + s + "/web/events").then().statusCode(200)
                .body("items.involvedObject.uid", equalTo(List.of("u1", "u2")));
        given().get("/specs/session/" + s + "/events").then().statusCode(200)
                .body("items.reason", equalTo(List.of("Created")))
                .body("items[0].involvedObject.kind", equalTo("Session"));
        given().get("/specs/toolrun/r1-" + s + "/events").then().statusCode(200)
                .body("items.message", equalTo(List.of("alone")));
        given().get("/specs/toolrun/" + s + "/r1-" + s + "/events").then().statusCode(200)
                .body("items.message", equalTo(List.of("in the session")));
        given().get("/specs/relic/" + s + "/nothing/events").then().statusCode(200).body("items", hasSize(0));
        given().get("/specs/pod/" + s + "/events").then().statusCode(404).body("error", containsString("unknown kind"));
        given().get("/specs/pod/" + s + "/web/events").then().statusCode(404).body("error", containsString("unknown kind"));
        given().get("/specs/session/" + s + "/web/events").then().statusCode(404)
                .body("error", containsString("not session-scoped"));
    }

    @Test
    void aRelicNamedEventsIsStillReadAndDeletedAtItsPathAndItsDeletionIsAnEvent() {
        String s = unique("s");
        String yaml = """
                apiVersion: corral.dev/v1
                kind: Session
                metadata: {name: %s}
                ---
                apiVersion: corral.dev/v1
                kind: Relic
                metadata: {name: events, session: %s}
                spec: {image: corral/busybox:latest}
                """.formatted(s, s);
        given().contentType("application/yaml").body(yaml).put("/specs").then().statusCode(200);
        given().get("/specs/relic/" + s + "/events").then().statusCode(200)
                .body("kind", equalTo("Relic")).body("metadata.name", equalTo("events"));
        String uid = given().get("/specs/relic/" + s + "/events").then().extract().path("metadata.uid");
        given().delete("/specs/relic/" + s + "/events").then().statusCode(200);
        given().get("/specs/relic/" + s + "/events/events").then().statusCode(200)
                .body("items.reason", equalTo(List.of("Deleted")))
                .body("items[0].involvedObject.uid", equalTo(uid));
        given().delete("/specs/session/" + s).then().statusCode(200);
        given().get("/specs/session/" + s + "/events").then().statusCode(200)
                .body("items.reason", equalTo(List.of("Deleted")));
    }

    @Test
    void aWatchStreamsTheMatchingEventsThenEachChangeAndEndsWhenTheClientGoes() throws Exception {
        String s = unique("s");
        ObjectKey web = ObjectKey.of(Kind.Relic, s, "web");
        events.normal(web, "u1", "Started", "started container corral-relic-" + s + "-web");
        events.normal(ObjectKey.of(Kind.Relic, "other-" + s, "web"), "u9", "Started", "not watched");
        noWatches();

        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(
                        URI.create(base + "events?watch=true&session=" + s)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"),
                response.headers().toString());
        List<String> lines = new CopyOnWriteArrayList<>();
        var reader = Executors.newSingleThreadExecutor();
        InputStream body = response.body();
        Future<?> reading = reader.submit(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            }
            return null;
        });
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> lines.contains("event:ADDED")
                    || lines.contains("event: ADDED"));
            events.warning(web, "u1", "Killed", "container died: exited with code 137");
            events.warning(web, "u1", "Killed", "container died: exited with code 137");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                List<String> names = lines.stream().filter(l -> l.startsWith("event:"))
                        .map(l -> l.substring(6).trim()).toList();
                assertEquals(List.of("ADDED", "ADDED", "MODIFIED"), names, lines::toString);
            });
            List<String> data = lines.stream().filter(l -> l.startsWith("data:")).toList();
            assertTrue(data.get(0).contains("\"reason\":\"Started\""), data::toString);
            assertTrue(data.get(1).contains("\"reason\":\"Killed\"") && data.get(1).contains("\"count\":1"), data::toString);
            assertTrue(data.get(2).contains("\"reason\":\"Killed\"") && data.get(2).contains("\"count\":2"), data::toString);
            assertTrue(lines.stream().noneMatch(l -> l.contains("not watched")), lines::toString);
            assertEquals(1, events.watching());
        } finally {
            body.close();
            reading.cancel(true);
            reader.shutdownNow();
        }
        // The client went away: the watch and its stream permit are let go (the sweep notices within a second).
        noWatches();
    }

    @Test
    void watchesAreCappedByTheStreamLimits() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        List<InputStream> open = new java.util.ArrayList<>();
        noWatches();
        try {
            // corral.api.max-streams-per-client is 4 in this profile.
            for (int i = 0; i < 4; i++) {
                HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(base + "events?watch&name=none"))
                        .build(), HttpResponse.BodyHandlers.ofInputStream());
                assertEquals(200, r.statusCode());
                open.add(r.body());
            }
            given().queryParam("watch", "true").get("/events").then().statusCode(429)
                    .body("error", containsString("max-streams-per-client"));
            given().get("/events").then().statusCode(200);
        } finally {
            for (InputStream in : open) {
                in.close();
            }
        }
        noWatches();
        HttpResponse<InputStream> again = http.send(HttpRequest.newBuilder(URI.create(base + "events?watch=1&name=none"))
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        again.body().close();
        assertEquals(200, again.statusCode(), "the permits came back when their clients went away");
    }
}
