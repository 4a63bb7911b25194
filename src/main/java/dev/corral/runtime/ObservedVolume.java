package dev.corral.runtime;

import java.util.Map;

/** A volume as one list call saw it. */
public record ObservedVolume(String name, Map<String, String> labels) {

    public String label(String key) {
        return labels.get(key);
    }
}
