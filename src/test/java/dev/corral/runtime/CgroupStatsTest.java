package dev.corral.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cgroup reader against file trees laid out as cgroup v1 (cgroupfs driver) and v2 (systemd driver) hosts. */
class CgroupStatsTest {

    static final String ID = "0af2989d8527bfcbfd7df5a84aced5a8723befe003f15afb0185bd3cb0c5e413";
    static final Instant NOW = Instant.parse("2026-12-05T09:00:00Z");

    @TempDir
    Path root;

    @Test
    void readsCgroupV1() throws IOException {
        Path proc = root.resolve("proc");
        Path cg = root.resolve("cgroup");
        procFiles(proc, 4242, """
                8:pids:/docker/%1$s
                7:blkio:/docker/%1$s
                4:memory:/docker/%1$s
                2:cpuacct:/docker/%1$s
                1:cpu:/docker/%1$s
                0::/docker/%1$s
                """.formatted(ID));
        write(cg.resolve("cpuacct/docker/" + ID + "/cpuacct.usage"), "2500000000\n");
        Path mem = cg.resolve("memory/docker/" + ID);
        write(mem.resolve("memory.usage_in_bytes"), "2711552\n");
        write(mem.resolve("memory.limit_in_bytes"), "268435456\n");
        write(mem.resolve("memory.max_usage_in_bytes"), "3825664\n");
        write(mem.resolve("memory.stat"), "cache 1974272\ninactive_file 1000\ntotal_inactive_file 1974272\n");
        write(cg.resolve("blkio/docker/" + ID + "/blkio.throttle.io_service_bytes"),
                "8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 0\n8:0 Total 12288\n8:16 Read 1\nTotal 12289\n");
        write(cg.resolve("pids/docker/" + ID + "/pids.current"), "3\n");

        ContainerStats s = new CgroupStats(proc, cg).read(ID, 4242, NOW).orElseThrow();
        assertEquals(2.5, s.cpuSeconds(), 1e-9);
        assertEquals(2711552L - 1974272L, s.memoryBytes());
        assertEquals(268435456L, s.memoryLimitBytes());
        assertEquals(3825664L, s.memoryPeakBytes());
        assertEquals(1200, s.networkRxBytes());
        assertEquals(34, s.networkTxBytes());
        assertEquals(4097, s.blockReadBytes());
        assertEquals(8192, s.blockWriteBytes());
        assertEquals(3L, s.pids());
        assertEquals("cgroup", s.source());
        assertEquals(NOW, s.takenAt());
    }

    @Test
    void anUnlimitedV1ContainerHasNoLimit() throws IOException {
        readsCgroupV1();
        write(root.resolve("cgroup/memory/docker/" + ID + "/memory.limit_in_bytes"), "9223372036854771712\n");
        assertNull(new CgroupStats(root.resolve("proc"), root.resolve("cgroup")).read(ID, 4242, NOW).orElseThrow()
                .memoryLimitBytes());
    }

    @Test
    void readsCgroupV2() throws IOException {
        Path proc = root.resolve("proc");
        Path cg = root.resolve("cgroup");
        String path = "system.slice/docker-" + ID + ".scope";
        procFiles(proc, 77, "0::/" + path + "\n");
        Path dir = cg.resolve(path);
        write(dir.resolve("cpu.stat"), "usage_usec 1500000\nuser_usec 1000000\nsystem_usec 500000\n");
        write(dir.resolve("memory.current"), "5000000\n");
        write(dir.resolve("memory.max"), "max\n");
        write(dir.resolve("memory.stat"), "anon 100\ninactive_file 1000000\n");
        write(dir.resolve("io.stat"), "8:0 rbytes=100 wbytes=200 rios=1 wios=2\n8:16 rbytes=1 wbytes=2\n");
        write(dir.resolve("pids.current"), "2\n");

        ContainerStats s = new CgroupStats(proc, cg).read(ID, 77, NOW).orElseThrow();
        assertEquals(1.5, s.cpuSeconds(), 1e-9);
        assertEquals(4000000L, s.memoryBytes());
        assertNull(s.memoryLimitBytes(), "max is no limit");
        assertNull(s.memoryPeakBytes(), "no memory.peak before Linux 5.19");
        assertEquals(101, s.blockReadBytes());
        assertEquals(202, s.blockWriteBytes());
        assertEquals(2L, s.pids());

        write(dir.resolve("memory.peak"), "6000000\n");
        write(dir.resolve("memory.max"), "1048576000\n");
        ContainerStats again = new CgroupStats(proc, cg).read(ID, 77, NOW).orElseThrow();
        assertEquals(6000000L, again.memoryPeakBytes());
        assertEquals(1048576000L, again.memoryLimitBytes());
    }

    @Test
    void aPidThatIsNotTheContainersOrNotVisibleGivesNothing() throws IOException {
        Path proc = root.resolve("proc");
        procFiles(proc, 1, "0::/init.scope\n");
        CgroupStats reader = new CgroupStats(proc, root.resolve("cgroup"));
        assertEquals(Optional.empty(), reader.read(ID, 1, NOW), "a reused pid belongs to another cgroup");
        assertEquals(Optional.empty(), reader.read(ID, 999, NOW), "no such process here (Corral in a container)");
        procFiles(proc, 5, "0::/docker/" + ID + "\n");
        assertTrue(reader.read(ID, 5, NOW).isEmpty(), "the cgroup files are not readable here");
    }

    private static void procFiles(Path proc, long pid, String cgroup) throws IOException {
        write(proc.resolve(pid + "/cgroup"), cgroup);
        write(proc.resolve(pid + "/net/dev"), """
                Inter-|   Receive                                                |  Transmit
                 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                    lo:    5000      10    0    0    0     0          0         0     5000      10    0    0    0     0       0          0
                  eth0:    1000       2    0    0    0     0          0         0       30       1    0    0    0     0       0          0
                  eth1:     200       2    0    0    0     0          0         0        4       1    0    0    0     0       0          0
                """);
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
