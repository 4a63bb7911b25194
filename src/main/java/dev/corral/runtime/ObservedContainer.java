package dev.corral.runtime;

import java.util.Map;

/**
 * A container as one list call saw it.
 *
 * @param state    Docker's state word: created, running, paused, restarting, removing, exited, dead
 * @param networks the networks it is attached to, name to network id; null when not known
 */
public record ObservedContainer(String id, String name, Map<String, String> labels, String state,
                                Map<String, String> networks) {

    public ObservedContainer(String id, String name, Map<String, String> labels, String state) {
        this(id, name, labels, state, null);
    }

    public boolean running() {
        return "running".equals(state) || "restarting".equals(state);
    }

    /** Frozen by {@code docker pause}: its processes live but do not run. */
    public boolean paused() {
        return "paused".equals(state);
    }

    public String label(String key) {
        return labels.get(key);
    }

    public ObservedContainer withState(String newState) {
        return new ObservedContainer(id, name, labels, newState, networks);
    }

    public ObservedContainer withNetworks(Map<String, String> newNetworks) {
        return new ObservedContainer(id, name, labels, state, newNetworks);
    }
}
