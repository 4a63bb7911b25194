package dev.corral.runtime;

import java.time.Instant;

/**
 * One sample of what a container uses, as cumulative counters (a rate needs two samples).
 *
 * @param cpuSeconds       CPU time used since the container started, all cores together
 * @param memoryBytes      the working set: usage minus inactive file cache (what {@code docker stats}
 *                         and the kubelet show), null when unknown
 * @param memoryLimitBytes null when the container has no limit
 * @param memoryPeakBytes  the highest usage seen, null where the engine keeps none (cgroup v2 before 5.19)
 * @param source           where it was read: {@code cgroup} (files, cheap) or {@code engine} (the stats API)
 */
public record ContainerStats(Instant takenAt, double cpuSeconds, Long memoryBytes, Long memoryLimitBytes,
                             Long memoryPeakBytes, long networkRxBytes, long networkTxBytes, long blockReadBytes,
                             long blockWriteBytes, Long pids, String source) {
}
