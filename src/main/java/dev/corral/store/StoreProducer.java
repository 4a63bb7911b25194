package dev.corral.store;

import dev.corral.config.CorralConfig;
import io.quarkus.runtime.Shutdown;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;

/** Opens the embedded store, with the domain's write rules (a {@link WriteHook} bean), when Corral starts and closes it when it stops. */
@ApplicationScoped
public class StoreProducer {

    private FileSpecStore store;

    @Produces
    @Singleton
    synchronized FileSpecStore store(CorralConfig config, WriteHook rules) {
        store = FileSpecStore.open(config.dataDir(), Clock.systemUTC(), config.store().compactMinBytes(), rules);
        return store;
    }

    @Shutdown(5000) // after the reconcile loop (default priority 2500) has stopped using it
    synchronized void close() {
        if (store != null) {
            store.closeCompacted();
        }
    }
}
