package dev.corral.spec.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A container's limits, read from a validated, defaulted spec's {@code resources}: the schema
 * ({@code KindSchemas.resources()}) fills the first three in, so no reader supplies a default of
 * its own; the others are limits only when set.
 *
 * @param memoryMb     memory limit in MiB
 * @param cpus         CPU limit in cores
 * @param pids         process limit (the cgroup's, for the whole container)
 * @param openFiles    open files per process ({@code ulimit -n}), or null for the engine's default
 * @param processes    processes per user ({@code ulimit -u}), or null for the engine's default
 * @param diskReadBps  bytes per second read from the engine's data disk, or null for no limit
 * @param diskWriteBps bytes per second written to the engine's data disk, or null for no limit
 */
public record Resources(long memoryMb, double cpus, long pids, Long openFiles, Long processes, Long diskReadBps,
                        Long diskWriteBps) {

    public Resources(long memoryMb, double cpus, long pids) {
        this(memoryMb, cpus, pids, null, null, null, null);
    }

    /** @param resources the {@code resources} object of a spec that went through {@code SpecValidator} */
    public static Resources of(JsonNode resources) {
        if (resources == null || !resources.hasNonNull("memoryMb") || !resources.hasNonNull("cpus")
                || !resources.hasNonNull("pids")) {
            throw new IllegalArgumentException("resources not defaulted by the schema: " + resources);
        }
        return new Resources(resources.get("memoryMb").asLong(), resources.get("cpus").asDouble(),
                resources.get("pids").asLong(), optional(resources, "openFiles"), optional(resources, "processes"),
                optional(resources, "diskReadBps"), optional(resources, "diskWriteBps"));
    }

    private static Long optional(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asLong() : null;
    }

    public long memoryBytes() {
        return memoryMb * 1024 * 1024;
    }

    public long nanoCpus() {
        return Math.round(cpus * 1e9);
    }
}
