package dev.corral.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.spec.Json;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.store.SpecStore;
import dev.corral.watch.WatchHub;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import dev.corral.support.Rest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /specs?watch=true} over a real HTTP connection, read line by line as a client reads
 * server-sent events. No Docker: the reconcile loop is off, and the status update a controller
 * would make is made through the store.
 */
@QuarkusTest
@TestProfile(WatchProfile.class)
class WatchApiTest {

    private static final Duration T = Duration.ofSeconds(10);

    @Inject
    SpecStore store;

    @Inject
    StreamLimits streams;

    @Inject
    WatchHub hub;

    @BeforeAll
    static void rest() {
        Rest.configure();
    }

    @BeforeEach
    void noStreamLeftOpen() {
        // A test's streams are closed by the client; the server lets them go within a second.
        await().atMost(T).until(() -> streams.open() == 0 && hub.watchers() == 0);
    }

    @Test
    void aWatchFromAVersionSeesAddedModifiedAndDeletedInOrder() throws Exception {
        String tag = unique("t");
        String name = unique("s");
        long before = apply(session(unique("other"), "other", 1)); // a change the watch does not match
        long added = apply(session(name, tag, 100)); // before the watch: replayed from the history
        try (SseStream w = SseStream.open(RestAssured.port,
                "/specs?watch=true&kind=session&selector=watch=" + tag + "&resourceVersion=" + before)) {
            assertEquals(200, w.status());
            assertTrue(w.contentType().startsWith("text/event-stream"), w.contentType());
            long configured = apply(session(name, tag, 200));
            long status = store.updateStatus(ObjectKey.of(Kind.Session, null, name),
                    Json.MAPPER.createObjectNode().put("phase", "Ready")).orElseThrow().resourceVersion();
            long deleted = given().delete("/specs/session/" + name).then().statusCode(200)
                    .extract().jsonPath().getLong("deleted[0].resourceVersion");

            List<SseStream.Event> events = w.nextEvents(4, T);
            assertEquals(List.of("ADDED", "MODIFIED", "MODIFIED", "DELETED"), events.stream().map(SseStream.Event::event).toList());
            assertEquals(List.of(added, configured, status, deleted), ids(events));
            List<JsonNode> data = data(events);
            for (int i = 0; i < 4; i++) {
                assertEquals(events.get(i).event(), data.get(i).path("type").asText(), "data.type is the event's name");
                assertEquals(name, data.get(i).path("object").path("metadata").path("name").asText());
                assertEquals(ids(events).get(i), data.get(i).path("object").path("metadata").path("resourceVersion").asLong());
            }
            assertEquals(200, data.get(1).path("object").path("spec").path("ttlSeconds").asInt(), "the new spec");
            assertEquals("Ready", data.get(2).path("object").path("status").path("phase").asText(), "a status change");
            assertEquals("Ready", data.get(3).path("object").path("status").path("phase").asText(), "the last state");
        }
    }

    @Test
    void aReconnectWithTheLastEventIdMissesNothingAndRepeatsNothing() throws Exception {
        String tag = unique("t");
        long start = apply(session(unique("other"), "other", 1));
        List<Long> made = new ArrayList<>();
        List<Long> seen = new ArrayList<>();
        String url = "/specs?watch=true&selector=watch=" + tag + "&resourceVersion=" + start;
        String a = unique("a");
        String b = unique("b");
        try (SseStream w = SseStream.open(RestAssured.port, url)) {
            made.add(apply(session(a, tag, 1)));
            made.add(apply(session(b, tag, 1)));
            seen.addAll(ids(w.nextEvents(1, T)));
        } // the client goes away after one of two
        made.add(apply(session(unique("c"), tag, 1)));
        made.add(store.updateStatus(ObjectKey.of(Kind.Session, null, a), Json.MAPPER.createObjectNode().put("phase", "Ready"))
                .orElseThrow().resourceVersion());
        made.add(given().delete("/specs/session/" + b).then().statusCode(200).extract().jsonPath()
                .getLong("deleted[0].resourceVersion"));
        // As an EventSource reconnects: the same URL, and the last id it saw, which wins over the URL's version.
        try (SseStream w = SseStream.open(RestAssured.port, url, "Last-Event-ID", Long.toString(seen.get(0)))) {
            seen.addAll(ids(w.nextEvents(4, T)));
            apply(session(unique("d"), "other", 1));
            made.add(apply(session(unique("e"), tag, 1)));
            seen.addAll(ids(w.nextEvents(1, T)));
        }

        assertEquals(made, seen);
    }

    @Test
    void withoutAVersionTheCurrentObjectsComeFirstThenABookmarkThenTheChanges() throws Exception {
        String tag = unique("t");
        String first = "a-" + unique("s");
        String second = "b-" + unique("s");
        apply(session(first, tag, 1));
        long listed = apply(session(second, tag, 1));
        // A bare ?watch is true; and a watch answers events whatever the client accepts.
        try (SseStream w = SseStream.open(RestAssured.port, "/specs?watch&selector=watch=" + tag, "Accept", "application/json")) {
            assertTrue(w.contentType().startsWith("text/event-stream"), w.contentType());
            assertEquals("watching", w.next(T).comment(), "a comment opens the stream");
            SseStream.Event one = w.next(T);
            SseStream.Event two = w.next(T);
            SseStream.Event bookmark = w.next(T);
            long later = apply(session(unique("c"), tag, 1));
            SseStream.Event three = w.next(T);

            assertEquals(List.of("ADDED", "ADDED"), List.of(one.event(), two.event()));
            assertEquals(List.of(first, second), List.of(data(one).path("object").path("metadata").path("name").asText(),
                    data(two).path("object").path("metadata").path("name").asText()), "in key order");
            assertNull(one.id(), "an object of the list is no position to resume from");
            assertNull(two.id());
            assertNull(bookmark.event(), "a bookmark is no event (an EventSource dispatches nothing)");
            assertNull(bookmark.data());
            assertEquals("bookmark", bookmark.comment());
            assertTrue(Long.parseLong(bookmark.id()) >= listed, "the list's version");
            assertEquals("ADDED", three.event());
            assertEquals(later, Long.parseLong(three.id()));
        }
    }

    @Test
    void aVersionOlderThanTheHistoryIs410WithTheCurrentVersion() {
        long old = apply(session(unique("old"), "other", 1));
        StringBuilder many = new StringBuilder();
        for (int i = 0; i <= WatchProfile.HISTORY; i++) {
            many.append(session(unique("many"), "other", 1)).append("---\n");
        }
        apply(many.toString());

        for (Response r : List.of(given().get("/specs?watch=true&resourceVersion=" + old),
                given().header("Last-Event-ID", Long.toString(old)).get("/specs?watch=true"))) {
            r.then().statusCode(410).contentType(containsString("application/json"))
                    .body("error", containsString("too old"))
                    .body("details[0].path", equalTo("resourceVersion"))
                    .body("resourceVersion", equalTo((int) store.resourceVersion()));
        }
        given().get("/specs?watch=true&resourceVersion=" + (store.resourceVersion() + 1000)).then().statusCode(410)
                .body("error", containsString("newer than any"));
    }

    @Test
    void badParametersAre400WithJson() {
        for (String query : List.of("watch=true&resourceVersion=abc", "watch=true&resourceVersion=-1",
                "watch=true&resourceVersion=", "watch=true&resourceVersion=99999999999999999999",
                "watch=true&selector=a%20b=c", "watch=maybe")) {
            given().get("/specs?" + query).then().statusCode(400).contentType(containsString("application/json"))
                    .body("error", notNullValue());
        }
        given().header("Last-Event-ID", "x").get("/specs?watch=true").then().statusCode(400)
                .body("error", containsString("Last-Event-ID"));
        given().get("/specs?watch=true&kind=nope").then().statusCode(404).body("error", containsString("unknown kind"));
        assertEquals(0, hub.watchers(), "a refused watch holds nothing");
    }

    @Test
    void watchFalseIsTheList() {
        String name = unique("s");
        apply(session(name, "other", 1));
        for (String off : List.of("false", "0")) {
            given().get("/specs?kind=session&watch=" + off).then().statusCode(200)
                    .contentType(containsString("application/json"))
                    .body("items.metadata.name", org.hamcrest.Matchers.hasItem(name));
        }
    }

    @Test
    void watchesAreCappedPerClientAndLetGoWhenTheClientGoesAway() throws Exception {
        List<SseStream> open = new ArrayList<>();
        try {
            for (int i = 0; i < WatchProfile.STREAMS_PER_CLIENT; i++) {
                open.add(SseStream.open(RestAssured.port, "/specs?watch=true&resourceVersion=" + store.resourceVersion()));
                assertEquals(200, open.get(i).status());
            }
            try (SseStream refused = SseStream.open(RestAssured.port, "/specs?watch=true")) {
                assertEquals(429, refused.status());
            }
            await().atMost(T).until(() -> hub.watchers() == WatchProfile.STREAMS_PER_CLIENT);

            open.remove(0).close();

            await().atMost(T).until(() -> hub.watchers() == WatchProfile.STREAMS_PER_CLIENT - 1
                    && streams.open() == WatchProfile.STREAMS_PER_CLIENT - 1);
            open.add(SseStream.open(RestAssured.port, "/specs?watch=true"));
            assertEquals(200, open.get(open.size() - 1).status(), "the permit was given back");
        } finally {
            open.forEach(SseStream::close);
        }
    }

    @Test
    void aClientThatDoesNotReadIsClosedOnceItFallsBehindAndWritersNeverWait() throws Exception {
        try (Socket slow = new Socket()) {
            slow.setReceiveBufferSize(4096); // and it never reads: the server's socket buffer fills, then its queue
            slow.connect(new InetSocketAddress("localhost", RestAssured.port));
            slow.getOutputStream().write(("GET /specs?watch=true&resourceVersion=" + store.resourceVersion()
                    + " HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            await().atMost(T).until(() -> hub.watchers() == 1);

            String big = "x".repeat(60 * 1024);
            for (int put = 0; put < 3; put++) { // 150 changes of 60 KiB: far more than socket buffers hold
                StringBuilder yaml = new StringBuilder();
                for (int i = 0; i < 50; i++) {
                    yaml.append("apiVersion: corral.dev/v1\nkind: Session\nmetadata: {name: ").append(unique("big"))
                            .append(", annotations: {big: ").append(big).append("}}\n---\n");
                }
                apply(yaml.toString());
            }

            await().atMost(T).until(() -> hub.watchers() == 0 && streams.open() == 0);
        }
    }

    // --- helpers

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String session(String name, String tag, int ttl) {
        return """
                apiVersion: corral.dev/v1
                kind: Session
                metadata: {name: %s, labels: {watch: %s}}
                spec: {ttlSeconds: %d}
                """.formatted(name, tag, ttl);
    }

    /** Applies YAML; the newest resourceVersion it wrote. */
    private static long apply(String yaml) {
        List<Long> versions = given().contentType("application/yaml").body(yaml).put("/specs").then().statusCode(200)
                .extract().jsonPath().getList("items.resourceVersion", Long.class);
        return Collections.max(versions);
    }

    private static List<Long> ids(List<SseStream.Event> events) {
        return events.stream().map(e -> Long.parseLong(e.id())).toList();
    }

    private static List<JsonNode> data(List<SseStream.Event> events) {
        return events.stream().map(WatchApiTest::data).toList();
    }

    private static JsonNode data(SseStream.Event e) {
        try {
            return Json.MAPPER.readTree(e.data());
        } catch (Exception ex) {
            throw new AssertionError("not JSON: " + e.data(), ex);
        }
    }
}
