package dev.corral.loop;

import dev.corral.config.CorralConfig;
import dev.corral.runtime.ContainerRuntime;
import dev.corral.runtime.OwnContainer;
import dev.corral.spec.ObjectKey;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;

/**
 * The parts of the loop every kind reconciler shares, as CDI beans: the work queue, the picture of
 * the engine, Corral's own container, the metrics and the clock. Each is a plain object built here,
 * so a unit test builds the same loop with {@code new}.
 */
@ApplicationScoped
public class LoopParts {

    @Produces
    @Singleton
    WorkQueue<ObjectKey> queue(CorralConfig config) {
        return new WorkQueue<>(config.reconcile().retryBase(), config.reconcile().retryMax());
    }

    @Produces
    @Singleton
    ObservedState observed() {
        return new ObservedState();
    }

    @Produces
    @Singleton
    OwnContainer own(ContainerRuntime runtime) {
        return new OwnContainer(runtime);
    }

    @Produces
    @Singleton
    ReconcileMetrics metrics(MeterRegistry registry, WorkQueue<ObjectKey> queue) {
        return new ReconcileMetrics(registry, queue::depth);
    }

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
