package dev.corral.runtime;

import java.util.Map;

/**
 * A node of the Swarm.
 *
 * @param state        ready, down, unknown or disconnected
 * @param availability active, pause or drain
 * @param role         manager or worker
 * @param labels       the node's own labels ({@code docker node update --label-add})
 */
public record ObservedNode(String id, String hostname, String state, String availability, String role,
                           Map<String, String> labels) {

    public ObservedNode {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    public ObservedNode(String id, String hostname, String state, String availability) {
        this(id, hostname, state, availability, "worker", Map.of());
    }

    public boolean ready() {
        return "ready".equals(state);
    }
}
