package dev.corral.converge.sessions;

import dev.corral.support.Docker;
import dev.corral.support.Specs;
import dev.corral.testing.EngineTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.corral.support.Specs.apply;
import static dev.corral.support.Specs.awaitPhase;
import static dev.corral.support.Specs.httpRelic;
import static dev.corral.support.Specs.session;
import static dev.corral.support.Specs.unique;
import static org.awaitility.Awaitility.await;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sessions on the real engine: networks, relics reaching each other by name, isolation, deletion, TTL. */
@EngineTest
@QuarkusTest
class SessionConvergeTest {

    static {
        dev.corral.support.Rest.configure();
    }

    @Test
    void threeRelicsBecomeReadyAndReachEachOtherByName() {
        String s = unique("s");
        apply(session(s) + "---\n" + httpRelic(s, "web", "") + "---\n" + httpRelic(s, "api", "")
                + "---\n" + httpRelic(s, "db", "volumes: [{name: data, mountPath: /data}]\n"));
        for (String r : List.of("web", "api", "db")) {
            JsonPath o = awaitPhase("relic/" + s + "/" + r, "Ready");
            assertEquals("http://" + r + ":8080", o.getString("status.internalUrl"));
            assertEquals("corral-relic-" + s + "-" + r, o.getString("status.containerName"));
            assertEquals(o.getLong("metadata.generation"), o.getLong("status.observedGeneration"));
        }
        JsonPath sess = awaitPhase("session/" + s, "Ready");
        assertEquals("corral-session-" + s, sess.getString("status.network"));
        assertEquals("true", Docker.run("network", "inspect", "-f", "{{.Internal}}", "corral-session-" + s));
        assertTrue(sess.getString("status.subnet").startsWith("10.214."), sess.getString("status.subnet"));

        // By name, across the session network: web -> api, api -> db.
        assertEquals("ok", Docker.run("exec", "corral-relic-" + s + "-web", "timeout", "5", "wget", "-q", "-O", "-", "http://api:8080/"));
        assertEquals("ok", Docker.run("exec", "corral-relic-" + s + "-api", "timeout", "5", "wget", "-q", "-O", "-", "http://db:8080/"));

        // Limits are always set: memory with swap equal to it, CPUs, pids.
        String limits = Docker.inspect("corral-relic-" + s + "-web",
                "{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.NanoCpus}} {{.HostConfig.PidsLimit}}");
        assertEquals((32L << 20) + " " + (32L << 20) + " 200000000 32", limits);

        Specs.delete("session/" + s);
        await().atMost(Specs.CONVERGE).untilAsserted(() -> {
            assertEquals(List.of(), Docker.containers("corral.dev/session=" + s));
            assertEquals(List.of(), Docker.volumes("corral.dev/session=" + s));
            assertEquals(List.of(), Docker.networks("corral.dev/session=" + s));
        });
    }

    @Test
    void twoSessionsCannotReachEachOther() {
        String a = unique("s");
        String b = unique("s");
        apply(session(a) + "---\n" + httpRelic(a, "web", "") + "---\n" + session(b) + "---\n" + httpRelic(b, "web", ""));
        awaitPhase("relic/" + a + "/web", "Ready");
        JsonPath other = awaitPhase("relic/" + b + "/web", "Ready");
        String ipB = Docker.inspect(other.getString("status.containerId"),
                "{{(index .NetworkSettings.Networks \"corral-session-" + b + "\").IPAddress}}");
        assertNotEquals("", ipB);
        // Its own session's web answers; the other session's, by address, does not.
        assertEquals("ok", Docker.run("exec", "corral-relic-" + a + "-web", "timeout", "3", "wget", "-q", "-O", "-", "http://web:8080/"));
        var r = Docker.tryRun("exec", "corral-relic-" + a + "-web", "timeout", "2", "wget", "-q", "-O", "-", "http://" + ipB + ":8080/");
        assertNotEquals(0, r.exit(), "a relic of session " + a + " reached " + ipB + " of session " + b + ": " + r.output());
        // And the internal network has no way out.
        var out = Docker.tryRun("exec", "corral-relic-" + a + "-web", "timeout", "2", "wget", "-q", "-O", "-", "http://1.1.1.1/");
        assertNotEquals(0, out.exit());
        Specs.delete("session/" + a);
        Specs.delete("session/" + b);
    }

    @Test
    void anExpiredSessionIsDeletedWithEverythingInIt() {
        String s = unique("s");
        apply("""
                apiVersion: corral.dev/v1
                kind: Session
                metadata: {name: %s}
                spec: {ttlSeconds: 10}
                ---
                """.formatted(s) + httpRelic(s, "web", ""));
        awaitPhase("relic/" + s + "/web", "Ready");
        assertTrue(Specs.get("session/" + s).getString("status.expiresAt") != null);
        await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> {
            assertEquals(null, Specs.get("session/" + s));
            assertEquals(null, Specs.get("relic/" + s + "/web"));
            assertEquals(List.of(), Docker.containers("corral.dev/session=" + s));
            assertEquals(List.of(), Docker.networks("corral.dev/session=" + s));
        });
    }

    /**
     * Docker's default address pools run out after about 30 user networks; Corral gives each
     * session a /26 from its own pool, so 300 sessions fit on one engine, each on its own subnet.
     */
    @Test
    void threeHundredSessionsEachGetTheirOwnSubnet() {
        String prefix = unique("m");
        StringBuilder yaml = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            yaml.append(session(prefix + "-" + i)).append("---\n");
        }
        // The reply comes when all 300 are Ready: the socket must wait as long as the wait may (not Quarkus's 30 s).
        var socket = io.restassured.RestAssured.config().httpClient(io.restassured.config.HttpClientConfig
                .httpClientConfig().setParam("http.socket.timeout", 250_000));
        var reply = given().config(socket).contentType("application/yaml").queryParam("wait", true).queryParam("timeout", "240s")
                .body(yaml.toString()).put("/specs").then().statusCode(200).extract().jsonPath();
        try {
            assertEquals(false, reply.getBoolean("timedOut"));
            List<String> outcomes = reply.getList("results.outcome");
            assertEquals(300, outcomes.stream().filter("Ready"::equals).count(), outcomes.toString());
            List<String> subnets = reply.getList("results.status.subnet");
            assertEquals(300, new java.util.HashSet<>(subnets).size(), "every session has its own subnet");
            assertTrue(subnets.stream().allMatch(n -> n.startsWith("10.214.") && n.endsWith("/26")), subnets.toString());
        } finally {
            for (int i = 0; i < 300; i++) {
                Specs.delete("session/" + prefix + "-" + i);
            }
        }
        await().atMost(Duration.ofSeconds(120)).until(() ->
                Docker.networks("corral.dev/instance=test").stream().noneMatch(n -> n.startsWith("corral-session-" + prefix)));
    }
}
