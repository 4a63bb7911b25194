package dev.corral.containers;

import dev.corral.config.CorralConfig;
import dev.corral.events.EventRecorder;
import dev.corral.loop.ObservedState;
import dev.corral.loop.ReconcileMetrics;
import dev.corral.loop.WorkQueue;
import dev.corral.runtime.ContainerRuntime;
import dev.corral.runtime.OwnContainer;
import dev.corral.spec.ObjectKey;
import dev.corral.store.SpecStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.lookup.LookupIfProperty;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.util.concurrent.Executors;

/**
 * Builds the reconcilers of Sessions and of Relics and Agents from the loop's shared parts and the
 * configuration. The two share one executor and one health prober (a gone session stops the probes
 * of its relics).
 */
@ApplicationScoped
public class ContainerWiring {

    @Produces
    @Singleton
    HealthProber prober(CorralConfig config, ContainerRuntime runtime, WorkQueue<ObjectKey> queue,
                        MeterRegistry registry, Clock clock, EventRecorder events) {
        return new HealthProber(runtime, queue::add, registry, clock, events,
                Math.max(2, config.reconcile().workers() / 4), new ProbeSite(config.engine().probes(), runtime));
    }

    @Produces
    @Singleton
    Executor executor(CorralConfig config, ContainerRuntime runtime, ObservedState observed, OwnContainer own,
                      SpecStore store, EventRecorder events) {
        var parallel = Executors.newFixedThreadPool(config.reconcile().workers(), r -> {
            Thread t = new Thread(r, "corral-exec");
            t.setDaemon(true);
            return t;
        });
        return new Executor(runtime, observed, parallel, config.restart().stopGrace(), own, store, events);
    }

    @Produces
    @Singleton
    StatusWriter statusWriter(SpecStore store, Clock clock, ReconcileMetrics metrics) {
        return new StatusWriter(store, clock, metrics);
    }

    /** On one engine only: on a Swarm, relics and agents are services ({@code dev.corral.swarm}). */
    @Produces
    @Singleton
    @LookupIfProperty(name = "corral.engine.mode", stringValue = "docker", lookupIfMissing = true)
    ContainerReconciler containerReconciler(CorralConfig config, ContainerRuntime runtime, ObservedState observed,
                                            Executor executor, HealthProber prober, StatusWriter status,
                                            WorkQueue<ObjectKey> queue, ReconcileMetrics metrics, OwnContainer own,
                                            Clock clock, EventRecorder events) {
        var restart = config.restart();
        var observer = new ContainerObserver(observed, runtime, prober, new CrashTracker(restart.backoffReset()), own);
        return new ContainerReconciler(observer, executor, status,
                new PlannerSettings(restart.backoffBase(), restart.backoffMax(), restart.stopGrace()), metrics,
                queue::add, clock, own, events);
    }

    @Produces
    @Singleton
    SessionReconciler sessionReconciler(CorralConfig config, SpecStore store, ObservedState observed,
                                        Executor executor, HealthProber prober, StatusWriter status,
                                        WorkQueue<ObjectKey> queue, ReconcileMetrics metrics, Clock clock,
                                        EventRecorder events) {
        return new SessionReconciler(store, observed, executor, prober,
                new SubnetPool(config.network().pool(), config.network().subnetPrefix()), status, metrics,
                queue::add, clock, events);
    }
}
