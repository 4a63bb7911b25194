package dev.corral.store;

import dev.corral.config.CorralConfig;
import io.quarkus.runtime.Shutdown;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Clock;

/**
 * Opens the store {@code corral.store.kind} names, with the domain's write rules (a {@link WriteHook}
 * bean), when Corral starts, and closes it when it stops.
 */
@ApplicationScoped
public class StoreProducer {

    @Inject
    EtcdConnection etcd;

    private SpecStore store;

    @Produces
    @Singleton
    synchronized SpecStore store(CorralConfig config, WriteHook rules) {
        store = switch (config.store().kind()) {
            case file -> FileSpecStore.open(config.dataDir(), Clock.systemUTC(), config.store().compactMinBytes(), rules);
            case etcd -> {
                SnapshotPreload.discard();
                yield EtcdSpecStore.open(etcd.client(), config.store().etcd().prefix(), config.store().etcd().timeout(),
                    Clock.systemUTC(), rules);
            }
        };
        return store;
    }

    @Shutdown(5000) // after the reconcile loop (default priority 2500) has stopped using it
    synchronized void close() {
        if (store instanceof FileSpecStore file) {
            file.closeCompacted();
        } else if (store != null) {
            store.close();
        }
    }
}
