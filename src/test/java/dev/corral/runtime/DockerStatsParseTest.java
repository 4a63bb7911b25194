package dev.corral.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The engine's one-shot stats document (as Docker 20.10 answers it on cgroup v1, trimmed) read as a sample. */
class DockerStatsParseTest {

    static final String RUNNING = """
            {"read":"2026-12-05T08:48:59.210782328Z","pids_stats":{"current":1},
             "blkio_stats":{"io_service_bytes_recursive":[{"major":8,"minor":0,"op":"Read","value":4096},
                {"major":8,"minor":0,"op":"Write","value":512},{"major":8,"minor":0,"op":"Total","value":4608}]},
             "cpu_stats":{"cpu_usage":{"total_usage":19999092}},
             "memory_stats":{"usage":2711552,"max_usage":3825664,"limit":8348520448,
                "stats":{"hierarchical_memory_limit":9223372036854771712,"total_inactive_file":1974272}},
             "networks":{"eth0":{"rx_bytes":200,"tx_bytes":10},"eth1":{"rx_bytes":5,"tx_bytes":1}}}
            """;

    @Test
    void aRunningContainersDocument() throws Exception {
        ContainerStats s = DockerStats.parse(new ObjectMapper().readTree(RUNNING));
        assertEquals(Instant.parse("2026-12-05T08:48:59.210782328Z"), s.takenAt());
        assertEquals(0.019999092, s.cpuSeconds(), 1e-12);
        assertEquals(2711552L - 1974272L, s.memoryBytes());
        assertNull(s.memoryLimitBytes(), "no limit: the engine's figure is the host's memory");
        assertEquals(3825664L, s.memoryPeakBytes());
        assertEquals(205, s.networkRxBytes());
        assertEquals(11, s.networkTxBytes());
        assertEquals(4096, s.blockReadBytes());
        assertEquals(512, s.blockWriteBytes());
        assertEquals(1L, s.pids());
        assertEquals("engine", s.source());
    }

    @Test
    void aLimitIsKeptAndV2NamesAreRead() throws Exception {
        ContainerStats s = DockerStats.parse(new ObjectMapper().readTree("""
                {"read":"2026-12-05T08:48:59Z","cpu_stats":{"cpu_usage":{"total_usage":1000000000}},
                 "memory_stats":{"usage":3000,"limit":268435456,"stats":{"inactive_file":1000}},
                 "blkio_stats":{"io_service_bytes_recursive":[{"op":"read","value":7},{"op":"write","value":9}]}}
                """));
        assertEquals(1.0, s.cpuSeconds(), 1e-12);
        assertEquals(2000L, s.memoryBytes());
        assertEquals(268435456L, s.memoryLimitBytes());
        assertNull(s.memoryPeakBytes());
        assertEquals(7, s.blockReadBytes());
        assertEquals(9, s.blockWriteBytes());
        assertNull(s.pids());
    }

    @Test
    void aStoppedContainerGivesNoSample() throws Exception {
        assertNull(DockerStats.parse(new ObjectMapper().readTree("""
                {"read":"0001-01-01T00:00:00Z","cpu_stats":{"cpu_usage":{"total_usage":0}},"memory_stats":{}}""")));
    }
}
