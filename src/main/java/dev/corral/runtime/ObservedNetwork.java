package dev.corral.runtime;

import java.util.Map;

/** A network as one list call saw it; {@code subnet} is its first IPAM subnet, or null. */
public record ObservedNetwork(String id, String name, Map<String, String> labels, String subnet, boolean internal) {

    public String label(String key) {
        return labels.get(key);
    }
}
