package dev.corral.spec.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Where Swarm may place a Relic's or Agent's container ({@code corral.engine.mode=swarm}; one engine has
 * one place and ignores it).
 *
 * <p>No spread preferences: Swarm applies them among the tasks of one service, and a relic is a
 * service of one task; Swarm's scheduler already puts each new task on the node with the fewest.
 *
 * @param constraints Swarm placement constraints, as {@code node.hostname==n1} or {@code node.labels.zone!=eu}
 */
public record Placement(List<String> constraints) {

    public static final Placement ANYWHERE = new Placement(List.of());

    /** @param placement the spec's validated {@code placement}, or null/missing for none */
    public static Placement of(JsonNode placement) {
        if (placement == null || !placement.isObject()) {
            return ANYWHERE;
        }
        return new Placement(strings(placement.get("constraints")));
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n != null) {
            n.forEach(e -> out.add(e.asText()));
        }
        return List.copyOf(out);
    }
}
