package dev.corral.runtime;

/**
 * A node of the Swarm.
 *
 * @param state        ready, down, unknown or disconnected
 * @param availability active, pause or drain
 */
public record ObservedNode(String id, String hostname, String state, String availability) {

    public boolean ready() {
        return "ready".equals(state);
    }
}
