package dev.corral.converge.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.api.StreamLimits;
import dev.corral.support.Docker;
import dev.corral.support.LogStreams;
import dev.corral.support.Specs;
import dev.corral.testing.EngineTest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.corral.support.Specs.apply;
import static dev.corral.support.Specs.awaitPhase;
import static dev.corral.support.Specs.session;
import static dev.corral.support.Specs.unique;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A relic's log on the real engine: followed across {@code docker kill} (restarted in place) and
 * {@code docker rm -f} (re-created), the previous run's last lines, tail and since, the same lines
 * over a WebSocket, and streams let go when their clients leave.
 */
@EngineTest
@QuarkusTest
class ObjectLogsTest {

    static {
        dev.corral.support.Rest.configure();
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL base;

    @Inject
    StreamLimits streams;

    /** Prints "<run> line-<n>" every 200 ms; <run> is new at every start of the container. */
    private static String talker(String s) {
        return """
                apiVersion: corral.dev/v1
                kind: Relic
                metadata: {name: talker, session: %s}
                spec:
                  image: corral/busybox:latest
                  command: ["sh", "-c", "r=$(cut -c1-8 /proc/sys/kernel/random/uuid); i=0; while :; do echo \\"$r line-$i\\"; i=$((i+1)); sleep 0.2; done"]
                  resources: {memoryMb: 32, cpus: 0.2, pids: 32}
                """.formatted(s);
    }

    private URI uri(String scheme, String pathAndQuery) {
        return URI.create(scheme + "://" + base.getHost() + ":" + base.getPort() + pathAndQuery);
    }

    private static String run(String line) {
        return line.substring(0, line.indexOf(' '));
    }

    /** The run ids of the lines, in the order they first appear. */
    private static List<String> runs(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            if (out.isEmpty() || !out.get(out.size() - 1).equals(run(l))) {
                out.add(run(l));
            }
        }
        return out;
    }

    private static List<String> wsLines(LogStreams.Ws ws) throws Exception {
        List<String> out = new ArrayList<>();
        for (String m : ws.messages) {
            JsonNode n = JSON.readTree(m);
            if (n.has("line")) {
                assertEquals("stdout", n.path("stream").asText(), m);
                assertTrue(n.hasNonNull("time"), m);
                out.add(n.path("line").asText());
            }
        }
        return out;
    }

    @Test
    void aFollowedLogGoesOnAcrossRestartsAndRecreations() throws Exception {
        String s = unique("s");
        apply(session(s) + "---\n" + talker(s));
        String path = "relic/" + s + "/talker";
        String id = awaitPhase(path, "Ready").getString("status.containerId");
        String logs = "/specs/" + path + "/logs";
        int before = streams.open();

        LogStreams.Sse sse = LogStreams.sse(uri("http", logs + "?follow=true&tail=1"));
        LogStreams.Ws ws = LogStreams.webSocket(uri("ws", logs + "?follow=true&tail=1"));
        assertEquals(200, sse.status);
        // (1) Lines written after the stream opened arrive: tail=1 gave one line, the rest are new.
        await().atMost(Specs.CONVERGE).until(() -> sse.data("stdout").size() >= 8 && wsLines(ws).size() >= 8);
        List<String> first = sse.data("stdout");
        String run1 = run(first.get(0));
        assertEquals(List.of(run1), runs(first));
        // (5) The WebSocket delivers the same lines: its first line is one of the SSE's, and from there they agree.
        List<String> overWs = wsLines(ws);
        int at = first.indexOf(overWs.get(0));
        assertTrue(at >= 0, overWs.get(0) + " in " + first);
        int common = Math.min(first.size() - at, overWs.size());
        assertTrue(common >= 5, first + " / " + overWs);
        assertEquals(first.subList(at, at + common), overWs.subList(0, common));

        // (2) docker kill: Corral restarts the same container; the stream says so and goes on with the new run.
        Docker.run("kill", "corral-relic-" + s + "-talker");
        await().atMost(Specs.CONVERGE).untilAsserted(() -> {
            assertEquals(1, sse.data("restarted").size(), sse.events.toString());
            assertTrue(runs(sse.data("stdout")).size() == 2 && sse.data("stdout").stream()
                    .filter(l -> !run(l).equals(run1)).count() >= 3, sse.events.toString());
        });
        JsonNode restarted = JSON.readTree(sse.data("restarted").get(0));
        assertEquals(id, restarted.path("containerId").asText(), "restarted in place");
        Instant.parse(restarted.path("startedAt").asText());
        List<String> afterKill = sse.data("stdout");
        String run2 = runs(afterKill).get(1);
        // The restarted event comes between the runs, and no line repeats.
        int restartedAt = sse.events.indexOf(new LogStreams.Event("restarted", sse.data("restarted").get(0)));
        assertTrue(sse.events.subList(restartedAt, sse.events.size()).stream()
                .noneMatch(e -> "stdout".equals(e.name()) && run(e.data()).equals(run1)), sse.events.toString());
        assertEquals(afterKill.size(), afterKill.stream().distinct().count());
        await().atMost(Specs.CONVERGE).until(() -> runs(wsLines(ws)).equals(List.of(run1, run2)));
        assertTrue(ws.messages.stream().anyMatch(m -> m.contains("\"event\":\"restarted\"")), ws.messages.toString());
        String lastOfRun1 = afterKill.stream().filter(l -> run(l).equals(run1)).reduce((a, b) -> b).orElseThrow();

        // (3) previous: the killed run's last lines, none of the current run's.
        Response previous = given().get(logs + "?previous=true&tail=3");
        previous.then().statusCode(200);
        List<String> prev = dataOf(previous.asString(), "stdout");
        assertEquals(3, prev.size(), previous.asString());
        assertEquals(List.of(run1), runs(prev));
        assertEquals(lastOfRun1, prev.get(2));
        assertEquals(List.of("done"), dataOf(previous.asString(), "end"));

        // (4) tail and since on the current run.
        List<String> tail = dataOf(given().get(logs + "?tail=3").asString(), "stdout");
        assertEquals(3, tail.size(), tail.toString());
        assertEquals(List.of(run2), runs(tail));
        Instant since = Instant.now();
        await().atMost(Specs.CONVERGE).untilAsserted(() -> {
            List<String> timed = dataOf(given().queryParam("since", since.toString()).queryParam("timestamps", "true")
                    .get(logs).asString(), "stdout");
            assertFalse(timed.isEmpty());
            for (String l : timed) {
                assertFalse(Instant.parse(l.substring(0, l.indexOf(' '))).isBefore(since), l + " since " + since);
            }
        });
        await().atMost(Specs.CONVERGE).untilAsserted(() -> {
            // Without previous: the current run only. since=1s: its last five lines or so.
            List<String> all = dataOf(given().get(logs).asString(), "stdout");
            assertEquals(List.of(run2), runs(all));
            List<String> recent = dataOf(given().get(logs + "?since=1s").asString(), "stdout");
            assertTrue(all.size() > 10 && !recent.isEmpty() && recent.size() < all.size(), recent + " of " + all);
        });

        // docker rm -f: Corral re-creates it with a new id; the followed log moves over to it.
        Docker.run("rm", "-f", "corral-relic-" + s + "-talker");
        await().atMost(Specs.CONVERGE).untilAsserted(() -> {
            assertEquals(2, sse.data("restarted").size(), sse.events.toString());
            assertEquals(3, runs(sse.data("stdout")).size(), sse.events.toString());
        });
        String newId = JSON.readTree(sse.data("restarted").get(1)).path("containerId").asText();
        assertNotEquals(id, newId);
        assertEquals(Specs.get(path).getString("status.containerId"), newId);

        // (6) Clients going away let their streams go.
        assertEquals(before + 2, streams.open());
        sse.close();
        ws.close();
        await().atMost(Specs.CONVERGE).until(() -> streams.open() == before);

        // Deleting the object ends a followed log.
        LogStreams.Sse last = LogStreams.sse(uri("http", logs + "?follow=true&tail=0"));
        Specs.delete("session/" + s);
        await().atMost(Specs.CONVERGE).until(last.ended::get);
        assertEquals(List.of("deleted"), last.data("end"));
        await().atMost(Specs.CONVERGE).until(() -> streams.open() == before);
    }

    @Test
    void aToolRunsLogIsItsOutputFollowedUntilItEnds() {
        String tool = unique("t");
        apply("""
                apiVersion: corral.dev/v1
                kind: Tool
                metadata: {name: %s}
                spec:
                  image: corral/busybox:latest
                  command: ["sh", "-c", "echo one; echo oops >&2; sleep 1; echo two"]
                """.formatted(tool));
        String name = given().contentType("application/json").body("{\"tool\": \"" + tool + "\"}").post("/runs")
                .then().statusCode(201).extract().path("metadata.name");
        LogStreams.Sse followed = LogStreams.sse(uri("http", "/specs/toolrun/" + name + "/logs?follow=true"));
        await().atMost(Specs.CONVERGE).until(followed.ended::get);
        assertEquals(List.of("one", "two"), followed.data("stdout"), followed.events.toString());
        assertEquals(List.of("oops"), followed.data("stderr"), "the launcher's report is not shown");
        assertEquals(List.of("Succeeded"), followed.data("end"));
        // Finished: its container is gone, and the log is what its status captured.
        await().atMost(Specs.CONVERGE).until(() -> "Succeeded".equals(Specs.phase("toolrun/" + name)));
        String body = given().get("/specs/toolrun/" + name + "/logs").asString();
        assertEquals(List.of("one", "two"), dataOf(body, "stdout"));
        assertEquals(List.of("oops"), dataOf(body, "stderr"));
        assertEquals(List.of("Succeeded"), dataOf(body, "end"));
        Specs.delete("toolrun/" + name);
        Specs.delete("tool/" + tool);
    }

    /** The data of the events of one name in a whole SSE body. */
    static List<String> dataOf(String body, String name) {
        List<String> out = new ArrayList<>();
        String event = null;
        for (String line : body.split("\n")) {
            if (line.startsWith("event: ")) {
                event = line.substring(7);
            } else if (line.startsWith("data: ") && name.equals(event)) {
                out.add(line.substring(6));
            }
        }
        return out;
    }
}
