package dev.corral.watch;

import dev.corral.config.CorralConfig;
import dev.corral.store.SpecStore;
import io.quarkus.runtime.Shutdown;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The one {@link WatchHub}, listening from start-up (so the history covers every change since),
 * bookmarking filtered watches now and then, and ending every watch when Corral stops.
 */
@ApplicationScoped
public class WatchProducer {

    private WatchHub hub;

    @Produces
    @Singleton
    @Startup
    synchronized WatchHub hub(SpecStore store, CorralConfig config) {
        hub = WatchHub.attach(store, config.watch().history(), config.watch().buffer());
        return hub;
    }

    /**
     * A watch whose filter passed changes by tells its client how far it has seen, so that it
     * resumes from there and not from a version the history may have dropped meanwhile.
     */
    @Scheduled(every = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    synchronized void bookmark() {
        if (hub != null) {
            hub.bookmark();
        }
    }

    @Shutdown(4000) // before the store closes (5000)
    synchronized void close() {
        if (hub != null) {
            hub.close();
        }
    }
}
