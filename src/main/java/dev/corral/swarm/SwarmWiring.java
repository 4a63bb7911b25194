package dev.corral.swarm;

import dev.corral.config.CorralConfig;
import dev.corral.containers.StatusWriter;
import dev.corral.events.EventRecorder;
import dev.corral.loop.ObservedState;
import dev.corral.loop.ReconcileMetrics;
import dev.corral.loop.WorkQueue;
import dev.corral.runtime.ContainerRuntime;
import dev.corral.runtime.ServiceRuntime;
import dev.corral.spec.ObjectKey;
import dev.corral.store.SpecStore;
import io.quarkus.arc.lookup.LookupIfProperty;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;

/**
 * In {@code corral.engine.mode=swarm}, the reconciler of Relics and Agents is {@link SwarmServiceReconciler}
 * (the loop looks reconcilers up by this property). Sessions keep their one-engine reconciler: the runtime
 * makes their networks overlays.
 */
@ApplicationScoped
public class SwarmWiring {

    @Produces
    @Singleton
    SwarmWatcher watcher(CorralConfig config, ServiceRuntime swarm, WorkQueue<ObjectKey> queue) {
        return new SwarmWatcher(swarm, config.engine().pollInterval(), queue::add);
    }

    @Produces
    @Singleton
    @LookupIfProperty(name = "corral.engine.mode", stringValue = "swarm")
    SwarmServiceReconciler serviceReconciler(CorralConfig config, ServiceRuntime swarm, ObservedState observed,
                                             SpecStore store, StatusWriter status, ReconcileMetrics metrics,
                                             EventRecorder events, Clock clock, SwarmWatcher watcher) {
        return new SwarmServiceReconciler(swarm, observed, store, status, metrics, events, clock, watcher,
                config.restart().backoffBase(), config.restart().stopGrace(), config.instance());
    }

    /** With {@code corral.engine.runs=swarm}, ToolRuns are Swarm jobs instead of the manager's containers. */
    @Produces
    @Singleton
    @LookupIfProperty(name = "corral.engine.runs", stringValue = "swarm")
    SwarmRunReconciler runReconciler(CorralConfig config, ServiceRuntime swarm, ContainerRuntime manager,
                                     SpecStore store, EventRecorder events, Clock clock, SwarmWatcher watcher) {
        if (config.engine().mode() != CorralConfig.EngineMode.swarm) {
            throw new IllegalStateException("corral.engine.runs=swarm needs corral.engine.mode=swarm");
        }
        return new SwarmRunReconciler(swarm, manager, store, watcher, events, config.runs(), clock, config.instance());
    }
}
