package dev.corral.runtime;

import java.util.Map;

/**
 * A container as one list call saw it.
 *
 * @param state Docker's state word: created, running, paused, restarting, removing, exited, dead
 */
public record ObservedContainer(String id, String name, Map<String, String> labels, String state) {

    public boolean running() {
        return "running".equals(state) || "restarting".equals(state);
    }

    public String label(String key) {
        return labels.get(key);
    }
}
