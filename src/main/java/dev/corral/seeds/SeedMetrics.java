package dev.corral.seeds;

import dev.corral.runtime.ContainerStats;
import dev.corral.stats.ContainerUsage;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** A container's last usage sample in the seeds' words (snake_case, the fields Docker's stats give). */
final class SeedMetrics {

    private SeedMetrics() {
    }

    /** The sample of {@code usage}, or {@code "sampled": false} when none was taken yet (or nothing runs). */
    static Map<String, Object> of(String id, ContainerUsage usage, Duration interval) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("sampled", usage != null);
        m.put("interval_seconds", interval.toSeconds());
        if (usage == null) {
            return m;
        }
        ContainerStats s = usage.stats();
        m.put("container_id", usage.containerId());
        m.put("container_name", usage.containerName());
        m.put("timestamp", s.takenAt().toString());
        m.put("cpu_percent", usage.cpuPercent());
        m.put("cpu_seconds", s.cpuSeconds());
        m.put("memory_usage_bytes", s.memoryBytes());
        m.put("memory_limit_bytes", s.memoryLimitBytes());
        m.put("memory_percent", s.memoryBytes() == null || s.memoryLimitBytes() == null || s.memoryLimitBytes() == 0 ? null
                : Math.round(1000.0 * s.memoryBytes() / s.memoryLimitBytes()) / 10.0);
        m.put("memory_usage_mb", s.memoryBytes() == null ? null : Math.round(s.memoryBytes() / 1048576.0 * 10) / 10.0);
        m.put("network_rx_bytes", s.networkRxBytes());
        m.put("network_tx_bytes", s.networkTxBytes());
        m.put("block_read_bytes", s.blockReadBytes());
        m.put("block_write_bytes", s.blockWriteBytes());
        m.put("pids", s.pids());
        return m;
    }
}
