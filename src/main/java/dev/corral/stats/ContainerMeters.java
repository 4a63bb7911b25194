package dev.corral.stats;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The {@code corral_container_*} series of each sampled container, registered when it is first
 * sampled and removed when it goes, so Prometheus never scrapes a container that is gone. The
 * meters read the latest sample; a scrape costs no engine call.
 */
final class ContainerMeters {

    private final MeterRegistry registry;
    private final Map<String, List<Meter>> byContainer = new ConcurrentHashMap<>();

    ContainerMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Registers the series of a container whose latest sample {@code latest} returns. */
    void track(String containerId, ContainerUsage first, java.util.function.Supplier<ContainerUsage> latest) {
        byContainer.computeIfAbsent(containerId, id -> {
            var owner = first.owner();
            // container: a pool holds several containers of one owner; each is its own series.
            Tags tags = Tags.of("kind", owner.kind().name(), "session", owner.session() == null ? "" : owner.session(),
                    "name", owner.name(), "container", first.containerName());
            return List.of(
                    counter("corral_container_cpu_seconds_total", "CPU time used, all cores", tags, latest,
                            u -> u.stats().cpuSeconds()),
                    Gauge.builder("corral_container_memory_bytes", latest,
                                    l -> nullable(l.get().stats().memoryBytes()))
                            .description("Working set: memory used minus inactive file cache").tags(tags)
                            .register(registry),
                    counter("corral_container_network_receive_bytes_total", "Bytes received, all interfaces but loopback",
                            tags, latest, u -> u.stats().networkRxBytes()),
                    counter("corral_container_network_transmit_bytes_total", "Bytes sent, all interfaces but loopback",
                            tags, latest, u -> u.stats().networkTxBytes()),
                    counter("corral_container_fs_read_bytes_total", "Bytes read from block devices", tags, latest,
                            u -> u.stats().blockReadBytes()),
                    counter("corral_container_fs_write_bytes_total", "Bytes written to block devices", tags, latest,
                            u -> u.stats().blockWriteBytes()));
        });
    }

    /** Removes the series of every container not in {@code live}. */
    void retain(java.util.Set<String> live) {
        byContainer.keySet().removeIf(id -> {
            if (live.contains(id)) {
                return false;
            }
            byContainer.get(id).forEach(registry::remove);
            return true;
        });
    }

    private Meter counter(String name, String help, Tags tags, java.util.function.Supplier<ContainerUsage> latest,
                          ToDoubleFunction<ContainerUsage> value) {
        return FunctionCounter.builder(name, latest, l -> value.applyAsDouble(l.get())).description(help).tags(tags)
                .register(registry);
    }

    private static double nullable(Long v) {
        return v == null ? Double.NaN : v;
    }
}
