package dev.corral.runs;

import dev.corral.config.CorralConfig;
import dev.corral.events.EventRecorder;
import dev.corral.loop.ObservedState;
import dev.corral.loop.WorkQueue;
import dev.corral.runtime.ContainerRuntime;
import dev.corral.spec.ObjectKey;
import dev.corral.store.SpecStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;

/** Builds the reconcilers of ToolRuns and Tools (warm pools), the run slots and pools they share, and their metrics. */
@ApplicationScoped
public class RunWiring {

    @Produces
    @Singleton
    WarmPools warmPools(CorralConfig config, Clock clock) {
        return new WarmPools(clock, config.runs().poolShrinkAfter());
    }

    /** Built at start-up: its store listener must see every run that finishes. */
    @Produces
    @Singleton
    @Startup
    RunMetrics runMetrics(MeterRegistry registry, SpecStore store, WarmPools pools, CorralConfig config) {
        return new RunMetrics(registry, store, pools, config.runs()).attach();
    }

    @Produces
    @Singleton
    RunEngines runEngines(ContainerRuntime runtime) {
        return new RunEngines(runtime);
    }

    @Produces
    @Singleton
    RunTimings runTimings(MeterRegistry registry) {
        return new RunTimings(registry);
    }

    @Produces
    @Singleton
    RunSlots runSlots(CorralConfig config) {
        return new RunSlots(config.runs().maxConcurrent().orElse(4 * Runtime.getRuntime().availableProcessors()));
    }

    @Produces
    @Singleton
    WorkspaceStock workspaceStock(CorralConfig config, ContainerRuntime runtime, Clock clock, MeterRegistry registry) {
        WorkspaceStock stock = new WorkspaceStock(runtime, config.runs().workspaceStock(), config.runs().poolShrinkAfter(),
                clock);
        io.micrometer.core.instrument.Gauge.builder("corral_run_workspaces_ready", stock, WorkspaceStock::readyCount)
                .description("Workspaces prepared ahead for cold Tool runs, ready").register(registry);
        io.micrometer.core.instrument.Gauge.builder("corral_run_workspaces_target", stock, WorkspaceStock::target)
                .description("Workspaces prepared ahead that the stocks are kept at").register(registry);
        return stock;
    }

    /** Unless runs are Swarm jobs ({@code corral.engine.runs=swarm}: dev.corral.swarm). */
    @Produces
    @Singleton
    @io.quarkus.arc.lookup.LookupIfProperty(name = "corral.engine.runs", stringValue = "manager", lookupIfMissing = true)
    RunReconciler runReconciler(CorralConfig config, SpecStore store, ContainerRuntime runtime, ObservedState observed,
                                RunSlots slots, WarmPools pools, WorkQueue<ObjectKey> queue, Clock clock,
                                EventRecorder events, RunTimings timings, WorkspaceStock workspaces) {
        RunReconciler r = new RunReconciler(store, runtime, observed, slots, pools, config.runs(), config.dataDir(), clock,
                queue::add, queue::addAfter, events, timings, workspaces);
        r.recoverClaims();
        return r;
    }

    /** Unless runs are Swarm jobs: their pools, if any, are at the nodes' engines (dev.corral.swarm). */
    @Produces
    @Singleton
    @io.quarkus.arc.lookup.LookupIfProperty(name = "corral.engine.runs", stringValue = "manager", lookupIfMissing = true)
    PoolReconciler poolReconciler(CorralConfig config, SpecStore store, ContainerRuntime runtime,
                                  ObservedState observed, WarmPools pools) {
        return new PoolReconciler(store, runtime, observed, pools, config.runs());
    }
}
