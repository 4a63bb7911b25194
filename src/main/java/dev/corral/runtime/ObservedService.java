package dev.corral.runtime;

import java.util.Map;

/** A Swarm service as the manager showed it; {@code version} is what an update must name. */
public record ObservedService(String id, String name, long version, Map<String, String> labels, int replicas) {

    public String label(String key) {
        return labels.get(key);
    }
}
