package dev.corral.spec.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A container's limits, read from a validated, defaulted spec's {@code resources}: the schema
 * ({@code KindSchemas.resources()}) fills every field in, so no reader supplies a default of its own.
 *
 * @param memoryMb memory limit in MiB
 * @param cpus     CPU limit in cores
 * @param pids     process limit
 */
public record Resources(long memoryMb, double cpus, long pids) {

    /** @param resources the {@code resources} object of a spec that went through {@code SpecValidator} */
    public static Resources of(JsonNode resources) {
        if (resources == null || !resources.hasNonNull("memoryMb") || !resources.hasNonNull("cpus")
                || !resources.hasNonNull("pids")) {
            throw new IllegalArgumentException("resources not defaulted by the schema: " + resources);
        }
        return new Resources(resources.get("memoryMb").asLong(), resources.get("cpus").asDouble(),
                resources.get("pids").asLong());
    }

    public long memoryBytes() {
        return memoryMb * 1024 * 1024;
    }

    public long nanoCpus() {
        return Math.round(cpus * 1e9);
    }
}
