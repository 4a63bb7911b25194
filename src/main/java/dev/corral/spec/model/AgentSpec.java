package dev.corral.spec.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An Agent's spec: the container fields it shares with a Relic, its code directory and whether it
 * should run. Read once from the validated, defaulted JSON ({@code state} is filled in by the schema).
 *
 * @param container the fields of the shared container schema
 * @param code      the host directory mounted read-only as its code (resolved by the schema), or null
 * @param stopped   {@code state: Stopped}: the container is kept but not run
 */
public record AgentSpec(RelicSpec container, String code, boolean stopped) {

    /** @param spec the {@code spec} of an Agent that went through {@code SpecValidator} */
    public static AgentSpec of(JsonNode spec) {
        Defaulted.require(spec, "Agent spec", "state");
        RelicSpec container = RelicSpec.of(spec);
        return new AgentSpec(container, spec.hasNonNull("code") ? spec.get("code").asText() : null, container.stopped());
    }
}
