package dev.corral.store;

import dev.corral.spec.Kind;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Opens the store at start-up (so a damaged data directory stops Corral at once, with its
 * reason) and publishes its size: {@code corral_store_objects{kind}},
 * {@code corral_store_resource_version}, {@code corral_store_writes_total{type}}.
 */
@ApplicationScoped
public class StoreMetrics {

    @Inject
    FileSpecStore store;

    @Inject
    MeterRegistry registry;

    void start(@Observes StartupEvent ev) {
        for (Kind k : Kind.values()) {
            Gauge.builder("corral_store_objects", store, s -> s.list(Query.ofKind(k)).size())
                    .tag("kind", k.name()).description("Objects in the store").register(registry);
        }
        Gauge.builder("corral_store_resource_version", store, SpecStore::resourceVersion)
                .description("The store's newest resourceVersion").register(registry);
        store.addListener(e -> registry.counter("corral_store_writes_total", "type", e.type().name()).increment());
    }
}
