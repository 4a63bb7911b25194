package dev.corral.runtime;

import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a container's usage from the kernel's files: its cgroup (v1 or v2, found through
 * {@code /proc/<pid>/cgroup}) and its network namespace ({@code /proc/<pid>/net/dev}). Why: the
 * engine's stats call costs an HTTP round trip and the engine's own work per container, and
 * without {@code one-shot} a second sample a second later (moby#23188); a handful of small file
 * reads costs tens of microseconds. It works when Corral sees the host's {@code /proc} and
 * {@code /sys/fs/cgroup} (Corral on the host); in a container it does not, and the caller falls
 * back to the engine.
 */
final class CgroupStats {

    /** What cgroup v1 writes for "no limit" (the largest page-aligned long). */
    private static final long V1_UNLIMITED = 0x7FFFFFFFFFFFF000L;

    private final Path proc;
    private final Path cgroupRoot;

    CgroupStats(Path proc, Path cgroupRoot) {
        this.proc = proc;
        this.cgroupRoot = cgroupRoot;
    }

    /**
     * The sample of the container whose init process is {@code pid}; empty when those files are not
     * readable here or the pid is no longer that container's (it restarted, or the pid was reused).
     */
    Optional<ContainerStats> read(String containerId, long pid, Instant now) {
        try {
            Map<String, String> cgroups = cgroupsOf(pid);
            // A v1 (or hybrid) host names a memory controller; a v2 host only the unified hierarchy ("0::/...").
            boolean v1 = cgroups.containsKey("memory");
            String path = v1 ? cgroups.get("memory") : cgroups.get("");
            if (path == null || !path.contains(containerId)) {
                return Optional.empty();
            }
            long[] net = network(pid);
            return Optional.of(v1 ? v1(cgroups, now, net) : v2(cgroupRoot.resolve(relative(path)), now, net));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // not readable from here (Corral in a container), or the container just ended
        }
    }

    /** Controller name (empty for the v2 unified hierarchy) to the cgroup's path. */
    private Map<String, String> cgroupsOf(long pid) throws IOException {
        Map<String, String> out = new HashMap<>();
        for (String line : lines(text(proc.resolve(Long.toString(pid)).resolve("cgroup")))) {
            String[] parts = line.split(":", 3);
            if (parts.length == 3) {
                for (String controller : parts[1].split(",")) {
                    out.put(controller, parts[2]);
                }
            }
        }
        return out;
    }

    private ContainerStats v1(Map<String, String> cgroups, Instant now, long[] net) throws IOException {
        Path cpu = dir("cpuacct", cgroups);
        Path mem = dir("memory", cgroups);
        Path blkio = dir("blkio", cgroups);
        Path pids = dir("pids", cgroups);
        long usage = number(mem.resolve("memory.usage_in_bytes"));
        long inactiveFile = valueOf(text(mem.resolve("memory.stat")), "total_inactive_file");
        long limit = number(mem.resolve("memory.limit_in_bytes"));
        long[] io = blkioV1(blkio.resolve("blkio.throttle.io_service_bytes"));
        return new ContainerStats(now, number(cpu.resolve("cpuacct.usage")) / 1e9,
                Math.max(0, usage - inactiveFile),
                limit >= V1_UNLIMITED ? null : limit, number(mem.resolve("memory.max_usage_in_bytes")),
                net[0], net[1], io[0], io[1], optionalNumber(pids.resolve("pids.current")), "cgroup");
    }

    private ContainerStats v2(Path dir, Instant now, long[] net) throws IOException {
        long cpuMicros = valueOf(text(dir.resolve("cpu.stat")), "usage_usec");
        long inactiveFile = valueOf(text(dir.resolve("memory.stat")), "inactive_file");
        long usage = number(dir.resolve("memory.current"));
        String max = text(dir.resolve("memory.max")).trim();
        long[] io = ioStatV2(dir.resolve("io.stat"));
        return new ContainerStats(now, cpuMicros / 1e6,
                Math.max(0, usage - inactiveFile),
                "max".equals(max) ? null : Long.parseLong(max), optionalNumber(dir.resolve("memory.peak")),
                net[0], net[1], io[0], io[1], optionalNumber(dir.resolve("pids.current")), "cgroup");
    }

    private Path dir(String controller, Map<String, String> cgroups) {
        return cgroupRoot.resolve(controller).resolve(relative(cgroups.get(controller)));
    }

    private static String relative(String path) {
        return path.startsWith("/") ? path.substring(1) : path;
    }

    /** Received and sent bytes over every interface but loopback. */
    private long[] network(long pid) throws IOException {
        long rx = 0;
        long tx = 0;
        List<String> lines = lines(text(proc.resolve(Long.toString(pid)).resolve("net").resolve("dev")));
        for (String line : lines.subList(Math.min(2, lines.size()), lines.size())) {
            int colon = line.indexOf(':');
            if (colon < 0 || line.substring(0, colon).trim().equals("lo")) {
                continue;
            }
            List<String> f = fields(line.substring(colon + 1));
            rx += Long.parseLong(f.get(0));
            tx += Long.parseLong(f.get(8));
        }
        return new long[]{rx, tx};
    }

    /** Read and write bytes from v1's {@code 8:0 Read 4096} lines. */
    static long[] blkioV1(Path file) throws IOException {
        long read = 0;
        long write = 0;
        for (String line : lines(text(file))) {
            List<String> f = fields(line);
            if (f.size() == 3) {
                if (f.get(1).equals("Read")) {
                    read += Long.parseLong(f.get(2));
                } else if (f.get(1).equals("Write")) {
                    write += Long.parseLong(f.get(2));
                }
            }
        }
        return new long[]{read, write};
    }

    /** Read and write bytes from v2's {@code 8:0 rbytes=4096 wbytes=0 ...} lines. */
    static long[] ioStatV2(Path file) throws IOException {
        long read = 0;
        long write = 0;
        String text;
        try {
            text = text(file);
        } catch (NoSuchFileException e) {
            return new long[]{0, 0};
        }
        for (String line : lines(text)) {
            for (String field : fields(line)) {
                if (field.startsWith("rbytes=")) {
                    read += Long.parseLong(field.substring(7));
                } else if (field.startsWith("wbytes=")) {
                    write += Long.parseLong(field.substring(7));
                }
            }
        }
        return new long[]{read, write};
    }

    /** The number after {@code key} on the line of {@code text} that starts with it ({@code key value}); 0 if none. */
    static long valueOf(String text, String key) {
        int at = 0;
        while (at < text.length()) {
            int end = text.indexOf('\n', at);
            if (end < 0) {
                end = text.length();
            }
            if (text.startsWith(key, at) && at + key.length() < end && text.charAt(at + key.length()) == ' ') {
                try {
                    return Long.parseLong(text.substring(at + key.length(), end).trim());
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
            at = end + 1;
        }
        return 0;
    }

    private static long number(Path file) throws IOException {
        return Long.parseLong(text(file).trim());
    }

    private static Long optionalNumber(Path file) throws IOException {
        try {
            String s = text(file).trim();
            return "max".equals(s) ? null : Long.parseLong(s);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * A kernel file's text, read with one open, as few reads as it takes, one close, into a buffer this
     * thread keeps. Why not {@code Files.readAllLines}: the sampler reads nine such files per container
     * every interval, and with the charset decoder, a list per file and regular expressions per line,
     * parsing cost more than the reads (~200 µs per container; now ~65, measured on 200 containers).
     */
    static String text(Path file) throws IOException {
        byte[] buf = BUFFER.get();
        int n = 0;
        try (FileInputStream in = new FileInputStream(file.toFile())) {
            int r;
            while ((r = in.read(buf, n, buf.length - n)) > 0) {
                n += r;
                if (n == buf.length) {
                    buf = Arrays.copyOf(buf, buf.length * 2);
                    BUFFER.set(buf);
                }
            }
        } catch (FileNotFoundException e) {
            if (!Files.exists(file)) {
                throw new NoSuchFileException(file.toString());
            }
            throw e;
        }
        return new String(buf, 0, n, StandardCharsets.UTF_8);
    }

    private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[4096]);

    private static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        int at = 0;
        while (at < text.length()) {
            int end = text.indexOf('\n', at);
            if (end < 0) {
                end = text.length();
            }
            out.add(text.substring(at, end));
            at = end + 1;
        }
        return out;
    }

    /** The fields of a line split at runs of blanks (spaces, tabs). */
    private static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (i < n) {
            while (i < n && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
                i++;
            }
            int start = i;
            while (i < n && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
                i++;
            }
            if (i > start) {
                out.add(line.substring(start, i));
            }
        }
        return out;
    }
}
