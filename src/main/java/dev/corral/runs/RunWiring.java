package dev.corral.runs;

import dev.corral.config.CorralConfig;
import dev.corral.events.EventRecorder;
import dev.corral.loop.ObservedState;
import dev.corral.loop.WorkQueue;
import dev.corral.runtime.ContainerRuntime;
import dev.corral.spec.ObjectKey;
import dev.corral.store.SpecStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;

/** Builds the reconcilers of ToolRuns and Tools (warm pools), and the run slots and pools they share. */
@ApplicationScoped
public class RunWiring {

    @Produces
    @Singleton
    WarmPools warmPools() {
        return new WarmPools();
    }

    @Produces
    @Singleton
    RunSlots runSlots(CorralConfig config) {
        return new RunSlots(config.runs().maxConcurrent().orElse(4 * Runtime.getRuntime().availableProcessors()));
    }

    @Produces
    @Singleton
    RunReconciler runReconciler(CorralConfig config, SpecStore store, ContainerRuntime runtime, ObservedState observed,
                                RunSlots slots, WarmPools pools, WorkQueue<ObjectKey> queue, Clock clock,
                                EventRecorder events) {
        RunReconciler r = new RunReconciler(store, runtime, observed, slots, pools, config.runs(), config.dataDir(), clock,
                queue::add, queue::addAfter, events);
        r.recoverClaims();
        return r;
    }

    @Produces
    @Singleton
    PoolReconciler poolReconciler(CorralConfig config, SpecStore store, ContainerRuntime runtime,
                                  ObservedState observed, WarmPools pools) {
        return new PoolReconciler(store, runtime, observed, pools, config.runs());
    }
}
