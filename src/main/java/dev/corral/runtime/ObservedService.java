package dev.corral.runtime;

import java.util.Map;

/**
 * A Swarm service as the manager showed it; {@code version} is what an update must name.
 *
 * @param containerDigest its task template's image, command, arguments, environment and container labels, hashed
 *                        (what {@link ServiceRuntime#matches} compares: changes made behind Corral's back)
 */
public record ObservedService(String id, String name, long version, Map<String, String> labels, int replicas,
                              String containerDigest) {

    public String label(String key) {
        return labels.get(key);
    }
}
