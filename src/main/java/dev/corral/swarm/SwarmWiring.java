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

import dev.corral.runs.PoolReconciler;
import dev.corral.runs.RunEngines;
import dev.corral.runs.RunReconciler;
import dev.corral.runs.RunSlots;
import dev.corral.runs.RunTimings;
import dev.corral.runs.Runner;
import dev.corral.runs.WarmPools;
import dev.corral.runtime.RuntimeProducer;
import dev.corral.spec.Kind;
import dev.corral.store.Query;
import io.micrometer.core.instrument.MeterRegistry;

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
                                     SpecStore store, EventRecorder events, Clock clock, SwarmWatcher watcher,
                                     NodeEngines nodes, WorkQueue<ObjectKey> queue) {
        if (config.engine().mode() != CorralConfig.EngineMode.swarm) {
            throw new IllegalStateException("corral.engine.runs=swarm needs corral.engine.mode=swarm");
        }
        return new SwarmRunReconciler(swarm, manager, store, watcher, events, config.runs(), clock, config.instance(),
                nodes, queue::add);
    }

    /** With {@code corral.engine.runs=swarm}, warm pools are kept at the nodes' own engines, if any are given. */
    @Produces
    @Singleton
    @LookupIfProperty(name = "corral.engine.runs", stringValue = "swarm")
    NodePoolReconciler poolReconciler(CorralConfig config, NodeEngines nodes, ContainerRuntime manager,
                                      ObservedState observed, WarmPools pools, SwarmWatcher watcher, SpecStore store) {
        return new NodePoolReconciler(nodes, new PoolReconciler(store, manager, observed, pools, config.runs(), false),
                watcher, store);
    }

    /** The engines of {@code corral.engine.node-engines} (connected on the first reconcile that needs them). */
    @Produces
    @Singleton
    NodeEngines nodeEngines(CorralConfig config, MeterRegistry registry, SpecStore store, WorkQueue<ObjectKey> queue,
                            EventRecorder events, RunTimings timings, RunSlots managerSlots, Clock clock,
                            SwarmWatcher watcher, RunEngines runEngines) {
        var engine = config.engine();
        if (engine.runs() != CorralConfig.RunPlacement.swarm || engine.nodeEngines().isEmpty()) {
            return NodeEngines.none();
        }
        NodeEngine.Parts parts = new NodeEngine.Parts() {
            @Override
            public PoolReconciler pools(NodeEngine node) {
                return new PoolReconciler(store, node.runtime, node.observed, node.pools, config.runs(), true, node.name);
            }

            @Override
            public RunReconciler runs(NodeEngine node) {
                RunReconciler r = new RunReconciler(store, node.runtime, node.observed, node.slots, node.pools,
                        config.runs(), config.dataDir(), clock, queue::add, queue::addAfter, events, timings, node.name);
                r.recoverClaims();
                return r;
            }
        };
        NodeEngines nodes = NodeEngines.of(NodeEngines.parse(engine.nodeEngines().get()), e -> {
            RuntimeProducer.Connection c = RuntimeProducer.connect(e.getValue(), config, registry);
            return new NodeEngine(e.getKey(), c.runtime(), c.closer(),
                    new WarmPools(clock, config.runs().poolShrinkAfter()), new RunSlots(managerSlots.max()), parts,
                    queue::add, () -> wakeNode(store, queue, e.getKey()), config.reconcile().resyncInterval());
        });
        // A node lost, drained or back: its runs end or go on, its pools are made or removed.
        watcher.onNodesChanged(() -> nodes.all().forEach(NodeEngine::wakeAll));
        runEngines.route(run -> nodes.get(SwarmRunReconciler.warmNode(run)).map(n -> n.runtime));
        return nodes;
    }

    /** A node's engine answers (again): every pool is looked at, and the runs that were on it. */
    private static void wakeNode(SpecStore store, WorkQueue<ObjectKey> queue, String node) {
        store.list(Query.ofKind(Kind.Tool)).forEach(t -> queue.add(t.key()));
        java.util.Arrays.stream(Runner.values()).map(Runner::poolKey).forEach(queue::add);
        store.list(Query.ofKind(Kind.ToolRun)).stream()
                .filter(r -> r.status() != null && node.equals(r.status().path("node").asText(null)))
                .forEach(r -> queue.add(r.key()));
    }
}
