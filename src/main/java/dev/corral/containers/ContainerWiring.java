package dev.corral.containers;

import dev.corral.config.CorralConfig;
import dev.corral.loop.ObservedState;
import dev.corral.loop.ReconcileMetrics;
import dev.corral.loop.WorkQueue;
import dev.corral.runtime.ContainerRuntime;
import dev.corral.runtime.OwnContainer;
import dev.corral.spec.ObjectKey;
import dev.corral.store.SpecStore;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.util.concurrent.Executors;

/** Builds the reconciler of Sessions, Relics and Agents from the loop's shared parts and the configuration. */
@ApplicationScoped
public class ContainerWiring {

    @Produces
    @Singleton
    Reconciler reconciler(CorralConfig config, SpecStore store, ContainerRuntime runtime, ObservedState observed,
                          WorkQueue<ObjectKey> queue, ReconcileMetrics metrics, OwnContainer own, MeterRegistry registry,
                          Clock clock) {
        var rc = config.reconcile();
        var restart = config.restart();
        var parallel = Executors.newFixedThreadPool(rc.workers(), r -> {
            Thread t = new Thread(r, "corral-exec");
            t.setDaemon(true);
            return t;
        });
        var prober = new HealthProber(runtime, queue::add, registry, clock, Math.max(2, rc.workers() / 4));
        return new Reconciler(store, runtime, observed,
                new Executor(runtime, observed, parallel, restart.stopGrace(), own), prober,
                new CrashTracker(restart.backoffReset()),
                new SubnetPool(config.network().pool(), config.network().subnetPrefix()),
                new PlannerSettings(restart.backoffBase(), restart.backoffMax(), restart.stopGrace()),
                clock, queue::add, metrics, own);
    }
}
