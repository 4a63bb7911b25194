package dev.corral.spec.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How much of a container's output the engine keeps ({@code logs}): the json-file driver's
 * {@code max-size} and {@code max-file}, so a chatty container cannot fill the host's disk.
 *
 * @param maxSizeMb size of one log file before it rotates, in MiB
 * @param maxFiles  files kept, the current one included
 */
public record LogLimits(int maxSizeMb, int maxFiles) {

    /** What every container gets unless its spec says otherwise: at most 30 MiB of logs. */
    public static final LogLimits DEFAULT = new LogLimits(10, 3);

    /** @param logs a spec's {@code logs}; missing (a spec stored before the field existed) is the default */
    public static LogLimits of(JsonNode logs) {
        if (logs == null || !logs.isObject()) {
            return DEFAULT;
        }
        return new LogLimits(logs.path("maxSizeMb").asInt(DEFAULT.maxSizeMb), logs.path("maxFiles").asInt(DEFAULT.maxFiles));
    }
}
