package dev.corral.spec.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Relic's spec, read once from the validated, defaulted JSON (resources, restart and pull
 * policies are filled in by the schema, so nothing here supplies a default). An Agent's spec is
 * this and more ({@link AgentSpec}): the two kinds share one container schema.
 *
 * @param command null when unset: the image's entrypoint runs
 * @param args    null when unset: the image's cmd runs
 * @param env     sorted by name
 * @param port    the port it serves on, or null
 * @param health  null when it has no health check
 * @param lifetimeSeconds how long it may live from its creation; null: no limit
 * @param state   whether its container runs, is stopped or is paused
 * @param maxRestarts restarts allowed since the spec last changed; past them it is Failed; null: no limit
 * @param isolation how tightly its container is confined
 * @param logs      how much of its output the engine keeps
 * @param security  its seccomp and AppArmor profiles
 */
public record RelicSpec(String image, List<String> command, List<String> args, Map<String, String> env,
                        Integer port, Resources resources, HealthSpec health, RestartPolicy restartPolicy,
                        String imagePullPolicy, List<VolumeSpec> volumes, Long lifetimeSeconds,
                        RunState state, Integer maxRestarts, Isolation isolation, LogLimits logs,
                        SecurityProfiles security) {

    /** What happens when the container ends; the JSON value is the constant's name. */
    public enum RestartPolicy { Always, OnFailure, Never }

    /** @param spec the {@code spec} of a Relic or Agent that went through {@code SpecValidator} */
    public static RelicSpec of(JsonNode spec) {
        Defaulted.require(spec, "Relic/Agent spec", "image", "resources", "restartPolicy", "imagePullPolicy");
        Map<String, String> env = new TreeMap<>();
        spec.path("env").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        List<VolumeSpec> volumes = new ArrayList<>();
        spec.path("volumes").forEach(v -> volumes.add(VolumeSpec.of(v)));
        return new RelicSpec(spec.get("image").asText(), strings(spec.get("command")), strings(spec.get("args")),
                java.util.Collections.unmodifiableMap(env), spec.hasNonNull("port") ? spec.get("port").asInt() : null,
                Resources.of(spec.get("resources")), HealthSpec.of(spec.get("health")),
                RestartPolicy.valueOf(spec.get("restartPolicy").asText()), spec.get("imagePullPolicy").asText(),
                List.copyOf(volumes), spec.hasNonNull("lifetimeSeconds") ? spec.get("lifetimeSeconds").asLong() : null,
                RunState.valueOf(spec.path("state").asText("Running")),
                spec.hasNonNull("maxRestarts") ? spec.get("maxRestarts").asInt() : null,
                Isolation.parse(spec.path("isolation").asText(null), Isolation.CONTAINER_DEFAULT),
                LogLimits.of(spec.get("logs")), SecurityProfiles.of(spec.get("security")));
    }

    /** A JSON array's elements as text; null when it is absent. */
    private static List<String> strings(JsonNode n) {
        if (n == null || !n.isArray()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        n.forEach(e -> out.add(e.asText()));
        return List.copyOf(out);
    }

    public boolean stopped() {
        return state == RunState.Stopped;
    }

    /** When an object created at {@code createdAt} has lived its {@code lifetimeSeconds}; null without a lifetime. */
    public Instant expiresAt(Instant createdAt) {
        return lifetimeSeconds == null || createdAt == null ? null : createdAt.plusSeconds(lifetimeSeconds);
    }
}
