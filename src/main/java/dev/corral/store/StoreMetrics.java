package dev.corral.store;

import dev.corral.spec.Kind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Opens the store at start-up (so a damaged data directory stops Corral at once, with its
 * reason) and publishes its size and health: {@code corral_store_objects{kind}},
 * {@code corral_store_resource_version}, {@code corral_store_writes_total{type}},
 * {@code corral_store_write_seconds{operation}}, {@code corral_store_writable}.
 */
@ApplicationScoped
public class StoreMetrics {

    /**
     * {@code corral_store_write_seconds}'s buckets: a write is acknowledged after its disk sync, a
     * millisecond or less on an SSD, tens on a busy or networked disk.
     */
    private static final Duration[] BUCKETS = {Duration.ofNanos(500_000), Duration.ofMillis(1),
            Duration.ofNanos(2_500_000), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5)};

    @Inject
    SpecStore store;

    @Inject
    MeterRegistry registry;

    private final Map<String, Timer> writeTimers = new ConcurrentHashMap<>();
    private final Map<StoreEvent.Type, Counter> writes = new ConcurrentHashMap<>();

    void start(@Observes StartupEvent ev) {
        for (Kind k : Kind.values()) {
            Gauge.builder("corral_store_objects", store, s -> s.list(Query.ofKind(k)).size())
                    .tag("kind", k.name()).description("Objects in the store").register(registry);
        }
        Gauge.builder("corral_store_resource_version", store, SpecStore::resourceVersion)
                .description("The store's newest resourceVersion").register(registry);
        Gauge.builder("corral_store_writable", store, s -> s.failure() == null ? 1 : 0)
                .description("1 while the store accepts writes, 0 once a disk sync failed (until Corral restarts) or while etcd is out of reach")
                .register(registry);
        store.addListener(e -> writes.computeIfAbsent(e.type(), t -> Counter.builder("corral_store_writes_total")
                .description("Changes the store made durable, by type").tag("type", t.name()).register(registry))
                .increment());
        store.timeWrites((operation, nanos) -> writeTimers.computeIfAbsent(operation, op ->
                Timer.builder("corral_store_write_seconds")
                        .description("Store writes that changed something, from the call to the acknowledgement")
                        .serviceLevelObjectives(BUCKETS).tag("operation", op).register(registry))
                .record(nanos, TimeUnit.NANOSECONDS));
    }
}
