package dev.corral.stats;

import dev.corral.runtime.ContainerStats;
import dev.corral.spec.ObjectKey;

/**
 * One managed container's latest sample and the CPU rate since the one before.
 *
 * @param owner      the object the container belongs to (a Tool for a warm pool's container)
 * @param pool       whether it is a warm pool's idle container
 * @param cpuPercent percent of one core since the previous sample; null after the first one
 */
public record ContainerUsage(ObjectKey owner, boolean pool, String containerId, String containerName,
                             ContainerStats stats, Double cpuPercent) {

    /** The rate between two samples of one container, in percent of one core. */
    static Double cpuPercent(ContainerStats previous, ContainerStats current) {
        if (previous == null) {
            return null;
        }
        double seconds = (current.takenAt().toEpochMilli() - previous.takenAt().toEpochMilli()) / 1000.0;
        double used = current.cpuSeconds() - previous.cpuSeconds();
        // A restart resets the counter; no rate across it.
        return seconds <= 0 || used < 0 ? null : used / seconds * 100;
    }
}
