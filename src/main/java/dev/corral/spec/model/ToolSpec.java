package dev.corral.spec.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Tool's spec, read once from the validated, defaulted JSON: the schema ({@code KindSchemas.tool()})
 * fills in resources, timeout, network, TTL and pull policy, so nothing here supplies a default.
 *
 * @param command         empty when the Tool sets none: its image's CMD runs, as in Docker
 * @param sessionNetwork  {@code network: session}: its runs join their session's network
 * @param env             sorted by name, as the containers get it
 * @param pool            its warm pool's bounds; {@link PoolBounds#NONE} when the Tool has no {@code pool}
 * @param isolation       how tightly its runs are confined
 * @param logs            how much of a run's output the engine keeps
 * @param security        its runs' seccomp and AppArmor profiles
 */
public record ToolSpec(String image, List<String> command, Map<String, String> env, Resources resources,
                       long timeoutSeconds, boolean sessionNetwork, long ttlSecondsAfterFinished,
                       String imagePullPolicy, PoolBounds pool, Isolation isolation, LogLimits logs,
                       SecurityProfiles security) {

    /** @param spec the {@code spec} of a Tool that went through {@code SpecValidator} */
    public static ToolSpec of(JsonNode spec) {
        for (String field : List.of("image", "timeoutSeconds", "network", "ttlSecondsAfterFinished", "imagePullPolicy")) {
            if (!spec.hasNonNull(field)) {
                throw new IllegalArgumentException("Tool spec not defaulted by the schema: no " + field);
            }
        }
        Map<String, String> env = new TreeMap<>();
        spec.path("env").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        List<String> command = new ArrayList<>();
        spec.path("command").forEach(c -> command.add(c.asText()));
        // No pool is a pool of none: the schema has no default for it, as "pool" is the switch itself.
        PoolBounds pool = PoolBounds.of(spec.get("pool"));
        return new ToolSpec(spec.get("image").asText(), List.copyOf(command), Collections.unmodifiableMap(env),
                Resources.of(spec.get("resources")), spec.get("timeoutSeconds").asLong(),
                "session".equals(spec.get("network").asText()), spec.get("ttlSecondsAfterFinished").asLong(),
                spec.get("imagePullPolicy").asText(), pool,
                Isolation.parse(spec.path("isolation").asText(null), Isolation.TOOL_DEFAULT),
                LogLimits.of(spec.get("logs")), SecurityProfiles.of(spec.get("security")));
    }
}
