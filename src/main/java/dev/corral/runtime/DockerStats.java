package dev.corral.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.corral.config.CorralConfig.Stats.Source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A container's usage, read the cheapest way that works here: the kernel's cgroup and {@code /proc}
 * files when Corral sees the host's (see {@link CgroupStats}), else the engine's stats API with
 * {@code one-shot=true} (API 1.41), which answers from one sample instead of waiting a second for a
 * second one (moby#23188, moby#40437; docker-java has no way to ask for it, hence the raw request).
 */
final class DockerStats {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DockerCalls calls;
    private final CgroupStats cgroups;
    private final Source source;
    /** Fresh pids in a row whose files could not be read. */
    private final AtomicInteger freshMisses = new AtomicInteger();
    private static final int GIVE_UP_AFTER = 3;
    /**
     * Container id to its init process, looked up once per container (and again after a restart).
     * Bounded, least recently used first out: containers come and go (every run is one) and nobody
     * tells this cache.
     */
    private final Map<String, Long> pids = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > 4096;
        }
    });

    DockerStats(DockerCalls calls, Source source) {
        this(calls, source, new CgroupStats(Path.of("/proc"), Path.of("/sys/fs/cgroup")));
    }

    DockerStats(DockerCalls calls, Source source, CgroupStats cgroups) {
        this.calls = calls;
        this.source = source;
        this.cgroups = cgroups;
    }

    Optional<ContainerStats> stats(String id) {
        if (source == Source.CGROUP || (source == Source.AUTO && freshMisses.get() < GIVE_UP_AFTER)) {
            Optional<ContainerStats> fromFiles = fromCgroup(id);
            if (fromFiles.isPresent() || source == Source.CGROUP) {
                return fromFiles;
            }
        }
        return fromEngine(id);
    }

    private Optional<ContainerStats> fromCgroup(String id) {
        Long pid = pids.get(id);
        if (pid != null) {
            Optional<ContainerStats> s = cgroups.read(id, pid, Instant.now());
            if (s.isPresent()) {
                return s;
            }
        }
        // Unknown, or stale since the container restarted: ask the engine once for the current one.
        Long fresh = pidOf(id);
        if (fresh == null || fresh <= 0) {
            pids.remove(id);
            return Optional.empty();
        }
        pids.put(id, fresh);
        Optional<ContainerStats> s = cgroups.read(id, fresh, Instant.now());
        // A pid the engine has just given that cannot be read means the host's files are not visible
        // (Corral in a container): after a few in a row, stop trying and spare an inspect per sample.
        if (s.isPresent()) {
            freshMisses.set(0);
        } else {
            freshMisses.incrementAndGet();
        }
        return s;
    }

    private Long pidOf(String id) {
        try {
            var state = calls.call("inspect_container", () -> calls.client().inspectContainerCmd(id).exec()).getState();
            return Boolean.TRUE.equals(state.getRunning()) ? state.getPidLong() : null;
        } catch (EngineException e) {
            return null;
        }
    }

    private Optional<ContainerStats> fromEngine(String id) {
        DockerHttpClient http = ((DockerClientImpl) calls.client()).getHttpClient();
        DockerHttpClient.Request request = DockerHttpClient.Request.builder().method(DockerHttpClient.Request.Method.GET)
                .path("/containers/" + id + "/stats?stream=false&one-shot=true").build();
        return calls.call("stats", () -> {
            try (DockerHttpClient.Response r = http.execute(request); InputStream body = r.getBody()) {
                if (r.getStatusCode() != 200) {
                    return Optional.<ContainerStats>empty();
                }
                return Optional.ofNullable(parse(JSON.readTree(body)));
            } catch (IOException e) {
                throw new EngineException(0, "reading stats of " + id + ": " + e.getMessage(), e);
            }
        });
    }

    /** The engine's stats document as a sample; null for a container that is not running (no read time). */
    static ContainerStats parse(JsonNode s) {
        JsonNode memory = s.path("memory_stats");
        if (!s.path("cpu_stats").path("cpu_usage").has("total_usage") || !memory.has("usage")) {
            return null;
        }
        JsonNode memStat = memory.path("stats");
        long inactive = memStat.has("total_inactive_file") ? memStat.path("total_inactive_file").asLong()
                : memStat.path("inactive_file").asLong();
        long rx = 0;
        long tx = 0;
        for (JsonNode n : s.path("networks")) {
            rx += n.path("rx_bytes").asLong();
            tx += n.path("tx_bytes").asLong();
        }
        long read = 0;
        long write = 0;
        for (JsonNode e : s.path("blkio_stats").path("io_service_bytes_recursive")) {
            String op = e.path("op").asText("");
            if (op.equalsIgnoreCase("read")) {
                read += e.path("value").asLong();
            } else if (op.equalsIgnoreCase("write")) {
                write += e.path("value").asLong();
            }
        }
        Instant at = parseTime(s.path("read").asText(null));
        return new ContainerStats(at, s.path("cpu_stats").path("cpu_usage").path("total_usage").asLong() / 1e9,
                Math.max(0, memory.path("usage").asLong() - inactive),
                limit(memory),
                memory.has("max_usage") ? memory.path("max_usage").asLong() : null,
                rx, tx, read, write,
                s.path("pids_stats").has("current") ? s.path("pids_stats").path("current").asLong() : null, "engine");
    }

    /**
     * The engine reports the host's memory as the limit of a container without one; cgroup v1 says
     * "unlimited" in {@code hierarchical_memory_limit}, which is taken as no limit. (On v2 the
     * engine's answer cannot be told apart from a limit of the host's size.)
     */
    private static Long limit(JsonNode memory) {
        if (!memory.has("limit")) {
            return null;
        }
        long hierarchical = memory.path("stats").path("hierarchical_memory_limit").asLong(0);
        return hierarchical >= 0x7FFFFFFFFFFFF000L ? null : memory.path("limit").asLong();
    }

    private static Instant parseTime(String t) {
        try {
            return t == null ? Instant.now() : Instant.parse(t);
        } catch (RuntimeException e) {
            return Instant.now();
        }
    }
}
