package dev.corral.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.containers.ContainerSpecs;
import dev.corral.runtime.Labels;
import dev.corral.runtime.ServiceRequest;
import dev.corral.spec.HostPaths;
import dev.corral.spec.SpecObject;
import dev.corral.spec.SpecParser;
import dev.corral.spec.SpecValidator;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServiceSpecsTest {

    private static final Instant NOW = Instant.parse("2026-12-07T00:00:00Z");

    static SpecObject relic(String spec) {
        String yaml = "apiVersion: corral.dev/v1\nkind: Relic\nmetadata: {name: web, session: s1}\nspec:\n" + spec;
        List<JsonNode> docs = SpecParser.parse(yaml.getBytes(StandardCharsets.UTF_8), SpecParser.Format.YAML);
        SpecObject o = new SpecValidator(new HostPaths(List.of())).validateAll(docs).get(0);
        return o.withMetadata(o.metadata().withStored("uid-1", 1, 1, NOW.minusSeconds(5), NOW.minusSeconds(5), "api"));
    }

    static ServiceSpecs.Wanted wanted(String spec) {
        SpecObject o = relic(spec);
        return ServiceSpecs.of(o, ContainerSpecs.desired(o), Duration.ofSeconds(1), Duration.ofSeconds(3), NOW);
    }

    static ServiceRequest request(String spec) {
        return assertInstanceOf(ServiceSpecs.Service.class, wanted(spec)).request();
    }

    @Test
    void aRelicIsOneReplicaOnItsSessionNetworkReachableByItsName() {
        ServiceRequest r = request("  image: corral/busybox:latest\n  command: [sleep, '1000']\n"
                + "  resources: {memoryMb: 64, cpus: 0.5, pids: 50}\n");
        assertEquals("corral-relic-s1-web", r.name());
        assertEquals(1, r.replicas());
        assertEquals("corral-session-s1", r.container().network());
        assertEquals(List.of("web"), r.container().aliases());
        assertEquals(64L << 20, r.container().memoryBytes());
        assertEquals(500_000_000L, r.container().nanoCpus());
        assertEquals(50, r.container().pidsLimit());
        assertEquals(ServiceRequest.Restart.Condition.ANY, r.restart().condition());
        assertEquals(Duration.ofSeconds(3), r.stopGrace());
        assertEquals("true", r.labels().get(Labels.MANAGED));
        assertEquals("Relic", r.labels().get(Labels.KIND));
        // The task's container is not Corral's to manage on one engine: not MANAGED, but its hash tells its version.
        assertFalse(r.container().labels().containsKey(Labels.MANAGED));
        assertEquals(r.labels().get(ServiceSpecs.SERVICE_HASH), r.container().labels().get(ServiceSpecs.SERVICE_HASH));
    }

    @Test
    void theServiceHashChangesWithWhatSwarmIsAskedNotWithTheUnchanged() {
        String base = "  image: corral/busybox:latest\n";
        String h = request(base).labels().get(ServiceSpecs.SERVICE_HASH);
        assertEquals(h, request(base).labels().get(ServiceSpecs.SERVICE_HASH));
        // Not hashed for a container on one engine, but Swarm must be told: the service is updated.
        assertNotEquals(h, request(base + "  restartPolicy: Never\n").labels().get(ServiceSpecs.SERVICE_HASH));
        assertNotEquals(h, request(base + "  state: Stopped\n").labels().get(ServiceSpecs.SERVICE_HASH));
        assertNotEquals(h, request(base + "  placement: {constraints: [node.role==worker]}\n").labels()
                .get(ServiceSpecs.SERVICE_HASH));
    }

    @Test
    void theUsersLabelsAreOnTheServiceAndItsContainerAndAChangeUpdatesIt() {
        SpecObject o = relic("  image: x\n");
        SpecObject labelled = o.withMetadata(new dev.corral.spec.Metadata("web", "s1", java.util.Map.of("team", "a"), null,
                "uid-1", 1L, 1L, NOW.minusSeconds(5), NOW.minusSeconds(5), "api"));
        ServiceRequest r = assertInstanceOf(ServiceSpecs.Service.class, ServiceSpecs.of(labelled,
                ContainerSpecs.desired(labelled), Duration.ofSeconds(1), Duration.ofSeconds(3), NOW)).request();
        assertEquals("a", r.labels().get(Labels.USER_PREFIX + "team"));
        assertEquals("a", r.container().labels().get(Labels.USER_PREFIX + "team"));
        assertNotEquals(request("  image: x\n").labels().get(ServiceSpecs.SERVICE_HASH), r.labels().get(ServiceSpecs.SERVICE_HASH));
    }

    @Test
    void restartPolicyStateAndPlacementMapToSwarms() {
        ServiceRequest r = request("  image: x\n  restartPolicy: OnFailure\n  maxRestarts: 3\n  state: Stopped\n"
                + "  placement: {constraints: [node.role==worker]}\n");
        assertEquals(ServiceRequest.Restart.Condition.ON_FAILURE, r.restart().condition());
        assertEquals(3, r.restart().maxAttempts());
        assertEquals(Duration.ofSeconds(1), r.restart().delay());
        assertEquals(0, r.replicas());
        assertEquals(List.of("node.role==worker"), r.constraints());
        assertEquals(ServiceRequest.Restart.Condition.NONE, request("  image: x\n  restartPolicy: Never\n").restart().condition());
        // Swarm reads MaxAttempts 0 as "no limit": maxRestarts 0 is never restarting.
        assertEquals(ServiceRequest.Restart.Condition.NONE, request("  image: x\n  maxRestarts: 0\n").restart().condition());
    }

    @Test
    void probesRunInsideTheContainerAsSwarmHealthChecks() {
        ServiceRequest http = request("  image: x\n  health: {http: {path: /healthz, port: 8080}, periodSeconds: 2, "
                + "timeoutSeconds: 1, failureThreshold: 4}\n");
        assertEquals(List.of("wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/healthz"), http.health().command());
        assertEquals(Duration.ofSeconds(2), http.health().interval());
        assertEquals(Duration.ofSeconds(1), http.health().timeout());
        assertEquals(4, http.health().retries());
        assertEquals(List.of("nc", "-w", "1", "127.0.0.1", "5432"),
                request("  image: x\n  health: {tcp: {port: 5432}, timeoutSeconds: 1}\n").health().command());
        assertEquals(List.of("pg_isready"), request("  image: x\n  health: {exec: {command: [pg_isready]}}\n")
                .health().command());
        assertNull(request("  image: x\n").health());
    }

    @Test
    void anExpiredLifetimeScalesToZero() {
        var expired = assertInstanceOf(ServiceSpecs.Service.class, wanted("  image: x\n  lifetimeSeconds: 2\n"));
        assertTrue(expired.expired());
        assertEquals(0, expired.request().replicas());
        var alive = assertInstanceOf(ServiceSpecs.Service.class, wanted("  image: x\n  lifetimeSeconds: 60\n"));
        assertEquals(1, alive.request().replicas());
    }

    @Test
    void whatSwarmCannotDoIsRefusedWithTheReason() {
        assertTrue(refusal("  image: x\n  volumes: [{name: data, mountPath: /data}]\n").contains("volumes"));
        assertTrue(refusal("  image: x\n  state: Paused\n").contains("Paused"));
        assertTrue(refusal("  image: x\n  isolation: strict\n").contains("runtime"));
        assertTrue(refusal("  image: x\n  security: {seccomp: unconfined}\n").contains("security profiles"));
        assertTrue(refusal("  image: x\n  resources: {diskWriteBps: 1048576}\n").contains("disk I/O"));
        assertTrue(refusal("  image: x\n  state: Paused\n").endsWith("in swarm mode (corral.engine.mode=swarm)"));
    }

    private static String refusal(String spec) {
        return assertInstanceOf(ServiceSpecs.Refused.class, wanted(spec)).message();
    }
}
