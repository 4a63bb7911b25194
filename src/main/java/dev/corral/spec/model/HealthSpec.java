package dev.corral.spec.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * A Relic's or Agent's {@code health}, read once from the validated spec: the schema fills in the
 * timings and the threshold ({@code KindSchemas.health()}), and allows exactly one probe.
 */
public record HealthSpec(Probe probe, long initialDelaySeconds, long periodSeconds, long timeoutSeconds,
                         int failureThreshold, long startupTimeoutSeconds) {

    /** How the container is probed. */
    public sealed interface Probe permits Http, Tcp, Exec {
    }

    /** HTTP GET to the container's address: 2xx and 3xx are healthy. */
    public record Http(String path, int port) implements Probe {
    }

    /** A TCP connect to the container's address. */
    public record Tcp(int port) implements Probe {
    }

    /** A command inside the container: exit 0 is healthy. */
    public record Exec(List<String> command) implements Probe {
    }

    /** HTTP and TCP probes go to the container's address, so Corral must be on its network. */
    public boolean byAddress() {
        return !(probe instanceof Exec);
    }

    /**
     * The probe as a command run inside the container, where the engine runs health checks (Swarm) or
     * where Corral cannot reach the container's address (Podman): HTTP and TCP become {@code wget} and
     * {@code nc} on the loopback address (busybox, alpine and Debian's netcat have both), exec stays as
     * it is. No {@code wget -T}: it crashes busybox 1.35; the caller bounds the time.
     */
    public List<String> insideCommand() {
        if (probe instanceof Exec e) {
            return e.command();
        }
        if (probe instanceof Http http) {
            String path = http.path().startsWith("/") ? http.path() : "/" + http.path();
            return List.of("wget", "-q", "-O", "/dev/null", "http://127.0.0.1:" + http.port() + path);
        }
        Tcp tcp = (Tcp) probe;
        return List.of("nc", "-w", String.valueOf(timeoutSeconds), "127.0.0.1", String.valueOf(tcp.port()));
    }

    /** @param health the {@code health} object of a validated spec, or null when it has none (then null) */
    public static HealthSpec of(JsonNode health) {
        if (health == null || health.isNull() || health.isMissingNode()) {
            return null;
        }
        Defaulted.require(health, "health", "initialDelaySeconds", "periodSeconds", "timeoutSeconds",
                "failureThreshold", "startupTimeoutSeconds");
        return new HealthSpec(probe(health), health.get("initialDelaySeconds").asLong(),
                health.get("periodSeconds").asLong(), health.get("timeoutSeconds").asLong(),
                health.get("failureThreshold").asInt(), health.get("startupTimeoutSeconds").asLong());
    }

    private static Probe probe(JsonNode health) {
        if (health.has("http")) {
            JsonNode h = health.get("http");
            Defaulted.require(h, "health.http", "path", "port");
            return new Http(h.get("path").asText(), h.get("port").asInt());
        }
        if (health.has("tcp")) {
            return new Tcp(health.get("tcp").get("port").asInt());
        }
        if (health.has("exec")) {
            List<String> command = new ArrayList<>();
            health.get("exec").get("command").forEach(c -> command.add(c.asText()));
            return new Exec(List.copyOf(command));
        }
        throw new IllegalArgumentException("health without a probe (the schema requires one): " + health);
    }
}
