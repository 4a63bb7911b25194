package dev.corral.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.support.LogStreams;
import dev.corral.support.Rest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.concurrent.CompletionException;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The logs route without an engine (the reconcile loop is off, so relics have no container):
 * paths, errors, the relic named "logs", the end of a followed log at deletion over SSE and
 * WebSocket, permits given back when the client goes away, cross-site upgrades refused. What
 * the engine's logs look like: {@code converge/logs/ObjectLogsTest}.
 */
@QuarkusTest
@TestProfile(HttpLayerErrorsTest.Profile.class)
class ObjectLogsRouteTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL base;

    @Inject
    StreamLimits streams;

    @BeforeAll
    static void rest() {
        Rest.configure();
    }

    private static String relics(String s, String... names) {
        StringBuilder y = new StringBuilder("apiVersion: corral.dev/v1\nkind: Session\nmetadata: {name: " + s + "}\n");
        for (String n : names) {
            y.append("---\napiVersion: corral.dev/v1\nkind: Relic\nmetadata: {name: ").append(n).append(", session: ")
                    .append(s).append("}\nspec: {image: corral/busybox:latest, command: [sleep, '1000']}\n");
        }
        given().contentType("application/yaml").body(y.toString()).put("/specs").then().statusCode(200);
        return s;
    }

    private URI uri(String path, String scheme) {
        return URI.create(scheme + "://" + base.getHost() + ":" + base.getPort() + path);
    }

    @Test
    void aRelicNamedLogsIsTheObjectNotALog() {
        String s = relics(HttpLayerErrorsTest.unique("s"), "logs", "web");
        given().accept(ContentType.JSON).get("/specs/relic/" + s + "/logs").then().statusCode(200)
                .body("kind", equalTo("Relic")).body("metadata.name", equalTo("logs"));
        given().get("/specs/relic/" + s + "/logs/logs").then().statusCode(200).contentType(startsWith("text/event-stream"))
                .body(containsString("event: end\ndata: no container"));
        given().delete("/specs/session/" + s).then().statusCode(200);
    }

    @Test
    void unknownObjectsKindsWithoutContainersAndBadParametersAreJsonErrors() {
        String s = relics(HttpLayerErrorsTest.unique("s"), "web");
        given().get("/specs/relic/" + s + "/nope/logs").then().statusCode(404).contentType(ContentType.JSON)
                .body("error", containsString("not found"));
        given().get("/specs/bogus/a/b/logs").then().statusCode(404).body("error", containsString("unknown kind"));
        given().get("/specs/agent/" + s + "/web/logs").then().statusCode(404).body("error", containsString("not session-scoped"));
        given().get("/specs/session/" + s + "/logs").then().statusCode(400).body("error", containsString("no container"));
        given().get("/specs/tool/t/logs").then().statusCode(400).body("error", containsString("/runs/{name}/logs"));
        for (String q : new String[]{"tail=x", "since=yesterday", "follow=maybe", "previous=true&follow=true"}) {
            String param = q.substring(0, q.indexOf('='));
            given().get("/specs/relic/" + s + "/web/logs?" + q).then().statusCode(400).contentType(ContentType.JSON)
                    .body("error", startsWith(param));
        }
        // One series per path template in the HTTP metrics, not one per object.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/q/metrics").then()
                .body(containsString("uri=\"/specs/{kind}/{session}/{name}/logs\""))
                .body(not(containsString(s + "/web/logs"))));
        given().delete("/specs/session/" + s).then().statusCode(200);
    }

    @Test
    void aFollowedLogEndsWhenTheObjectIsDeletedAndTheClientGoingAwayGivesItsPermitBack() {
        String s = relics(HttpLayerErrorsTest.unique("s"), "a", "b");
        int before = streams.open();
        try (LogStreams.Sse deleted = LogStreams.sse(uri("/specs/relic/" + s + "/a/logs?follow=true", "http"));
             LogStreams.Sse leaving = LogStreams.sse(uri("/specs/relic/" + s + "/b/logs?follow=true", "http"))) {
            assertEquals(200, deleted.status);
            await().atMost(Duration.ofSeconds(10)).until(() -> streams.open() == before + 2);
            leaving.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> streams.open() == before + 1);
            given().delete("/specs/relic/" + s + "/a").then().statusCode(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> deleted.ended.get());
            assertEquals(java.util.List.of("deleted"), deleted.data("end"));
            await().atMost(Duration.ofSeconds(10)).until(() -> streams.open() == before);
        }
        given().delete("/specs/session/" + s).then().statusCode(200);
    }

    @Test
    void theWebSocketCarriesTheSameEventsAndReleasesItsPermit() throws Exception {
        String s = relics(HttpLayerErrorsTest.unique("s"), "a", "b");
        int before = streams.open();
        try (LogStreams.Ws a = LogStreams.webSocket(uri("/specs/relic/" + s + "/a/logs?follow=true", "ws"));
             LogStreams.Ws b = LogStreams.webSocket(uri("/specs/relic/" + s + "/b/logs?follow=true", "ws"))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> streams.open() == before + 2);
            b.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> streams.open() == before + 1);
            given().delete("/specs/relic/" + s + "/a").then().statusCode(200);
            assertEquals(1000, a.closed.get(10, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals("deleted", JSON.readTree(a.messages.get(a.messages.size() - 1)).path("reason").asText());
            assertEquals("end", JSON.readTree(a.messages.get(a.messages.size() - 1)).path("event").asText());
            await().atMost(Duration.ofSeconds(10)).until(() -> streams.open() == before);
        }
        given().delete("/specs/session/" + s).then().statusCode(200);
    }

    @Test
    void aWebSocketUpgradeIsRefusedForAnotherSiteOrAMissingObject() {
        String s = relics(HttpLayerErrorsTest.unique("s"), "web");
        CompletionException cross = assertThrows(CompletionException.class, () -> LogStreams.webSocket(
                uri("/specs/relic/" + s + "/web/logs", "ws"), "Origin", "http://evil.example"));
        assertEquals(403, assertInstanceOf(WebSocketHandshakeException.class, cross.getCause()).getResponse().statusCode());
        CompletionException missing = assertThrows(CompletionException.class, () -> LogStreams.webSocket(
                uri("/specs/relic/" + s + "/nope/logs", "ws")));
        assertEquals(404, assertInstanceOf(WebSocketHandshakeException.class, missing.getCause()).getResponse().statusCode());
        // The same origin passes.
        LogStreams.webSocket(uri("/specs/relic/" + s + "/web/logs", "ws"), "Origin",
                "http://" + base.getHost() + ":" + base.getPort()).close();
        given().delete("/specs/session/" + s).then().statusCode(200);
    }

    /** An upgrade refused before it happens is answered like a plain GET: a JSON error, not a broken handshake. */
    @Test
    void aRefusedUpgradeIsAJsonAnswer() {
        String s = relics(HttpLayerErrorsTest.unique("s"), "web", "logs");
        int before = streams.open();
        String[][] refused = {
                {"/specs/relic/" + s + "/nope/logs", "404", "not found"},
                {"/specs/agent/" + s + "/web/logs", "404", "not session-scoped"},
                {"/specs/bogus/a/b/logs", "404", "unknown kind"},
                {"/specs/session/" + s + "/logs", "400", "no container"},
                {"/specs/tool/t/logs", "400", "/runs/{name}/logs"},
                {"/specs/relic/" + s + "/web/logs?tail=x", "400", "tail"},
                {"/specs/relic/" + s + "/web/logs?previous=true&follow=true", "400", "previous"},
        };
        for (String[] r : refused) {
            Answer answer = upgrade(r[0]);
            assertEquals(Integer.parseInt(r[1]), answer.status(), r[0] + ": " + answer.body());
            assertEquals("application/json", answer.contentType(), r[0]);
            org.hamcrest.MatcherAssert.assertThat(r[0], answer.body(), containsString(r[2]));
        }
        // The relic named "logs" is the object, upgrade or not: RESTEasy answers it.
        Answer object = upgrade("/specs/relic/" + s + "/logs");
        assertEquals(200, object.status(), object.body());
        org.hamcrest.MatcherAssert.assertThat(object.body(), containsString("\"kind\":\"Relic\""));
        assertEquals(before, streams.open());
        given().delete("/specs/session/" + s).then().statusCode(200);
    }

    /** What came back for an upgrade request. */
    private record Answer(int status, String contentType, String body) {
    }

    /** A WebSocket upgrade request, sent as plain HTTP/1.1 so that a refusal's status, type and body can be read. */
    private Answer upgrade(String path) {
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            String request = "GET " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                    + "\r\nAccept: application/json\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
            int status = Integer.parseInt(readLine(in).split(" ")[1]);
            java.util.Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (String h = readLine(in); !h.isEmpty(); h = readLine(in)) {
                headers.put(h.substring(0, h.indexOf(':')).trim(), h.substring(h.indexOf(':') + 1).trim());
            }
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            if ("chunked".equalsIgnoreCase(headers.get("Transfer-Encoding"))) {
                for (int n = Integer.parseInt(readLine(in).trim(), 16); n > 0; n = Integer.parseInt(readLine(in).trim(), 16)) {
                    body.write(in.readNBytes(n));
                    readLine(in);
                }
            } else {
                body.write(in.readNBytes(Integer.parseInt(headers.getOrDefault("Content-Length", "0"))));
            }
            return new Answer(status, headers.getOrDefault("Content-Type", "").split(";")[0],
                    body.toString(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String readLine(java.io.DataInputStream in) throws java.io.IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new java.io.EOFException("the connection closed within the answer's head");
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }
}
