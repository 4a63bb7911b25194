package dev.corral.runs;

import dev.corral.config.CorralConfig;
import dev.corral.events.EventRecorder;
import dev.corral.loop.KindReconciler;
import dev.corral.loop.ObservedState;
import dev.corral.loop.Readiness;
import dev.corral.loop.Result;
import dev.corral.runtime.ContainerRuntime;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.spec.model.RunPhase;
import dev.corral.store.Query;
import dev.corral.store.SpecStore;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Drives one ToolRun to its end: observe it ({@link RunObserver}), choose one step
 * ({@link RunPlanner}), take it ({@link RunExecutor}). Its life: a locked-down container, cold or
 * warm; its deadline enforced; its output and result collected; its record collected after
 * {@code ttlSecondsAfterFinished}.
 */
public final class RunReconciler implements KindReconciler {

    private final SpecStore store;
    private final WarmPools pools;
    private final RunObserver observer;
    private final RunPlanner planner;
    private final RunExecutor executor;
    private final RunSlots slots;
    private final String node;
    private final WorkspaceStock workspaces;

    /**
     * @param enqueue looks at a run again soon
     * @param refill  looks at a warm pool again after a delay
     * @param timings where each run's time goes
     */
    public RunReconciler(SpecStore store, ContainerRuntime runtime, ObservedState observed, RunSlots slots,
                         WarmPools pools, CorralConfig.Runs config, Path dataDir, Clock clock,
                         Consumer<ObjectKey> enqueue, BiConsumer<ObjectKey, Duration> refill, EventRecorder events,
                         RunTimings timings) {
        this(store, runtime, observed, slots, pools, config, dataDir, clock, enqueue, refill, events, timings, null, null);
    }

    /** The one-engine reconciler, its cold Tool runs taking {@code workspaces} made ahead (null: none). */
    public RunReconciler(SpecStore store, ContainerRuntime runtime, ObservedState observed, RunSlots slots,
                         WarmPools pools, CorralConfig.Runs config, Path dataDir, Clock clock,
                         Consumer<ObjectKey> enqueue, BiConsumer<ObjectKey, Duration> refill, EventRecorder events,
                         RunTimings timings, WorkspaceStock workspaces) {
        this(store, runtime, observed, slots, pools, config, dataDir, clock, enqueue, refill, events, timings, null,
                workspaces);
    }

    /**
     * The runs of one Swarm node's warm pools ({@code node} not null): only warm starts, each run's status naming
     * the node ({@link #reconcileWarm}); the one-engine reconciler when {@code node} is null.
     */
    public RunReconciler(SpecStore store, ContainerRuntime runtime, ObservedState observed, RunSlots slots,
                         WarmPools pools, CorralConfig.Runs config, Path dataDir, Clock clock,
                         Consumer<ObjectKey> enqueue, BiConsumer<ObjectKey, Duration> refill, EventRecorder events,
                         RunTimings timings, String node) {
        this(store, runtime, observed, slots, pools, config, dataDir, clock, enqueue, refill, events, timings, node, null);
    }

    private RunReconciler(SpecStore store, ContainerRuntime runtime, ObservedState observed, RunSlots slots,
                          WarmPools pools, CorralConfig.Runs config, Path dataDir, Clock clock,
                          Consumer<ObjectKey> enqueue, BiConsumer<ObjectKey, Duration> refill, EventRecorder events,
                          RunTimings timings, String node, WorkspaceStock workspaces) {
        this.store = store;
        this.workspaces = workspaces;
        this.pools = pools;
        this.slots = slots;
        this.node = node;
        AttachedOutputs streams = new AttachedOutputs();
        this.observer = new RunObserver(store, runtime, observed, slots, pools, streams, config, clock, refill, events);
        this.planner = new RunPlanner(config.defaultTimeoutSeconds(), node == null);
        RunLifecycle life = new RunLifecycle(store, runtime, observed, slots, pools, streams, enqueue, events, timings,
                node, workspaces, new RemovalHold(config.removalDelayMax(), slots::busy,
                () -> Math.max(slots.max(), pools.keptTotal())));
        WarmHandOver warm = new WarmHandOver(runtime, observed, pools, streams, life, config);
        this.executor = new RunExecutor(store, runtime, observed, slots, dataDir, life,
                new ColdStart(runtime, observed, life, streams, config.outputCapBytes(), clock, workspaces), warm,
                new RunCollector(runtime, observed, streams, life, warm, config, dataDir));
    }

    @Override
    public Set<Kind> kinds() {
        return Set.of(Kind.ToolRun);
    }

    /** Prepared workspaces a stopped Corral left: strays now (its own were removed at its stop, unless it crashed). */
    @Override
    public void engineConnected() {
        if (workspaces != null) {
            workspaces.sweepStrays();
        }
    }

    @Override
    public void shutdown() {
        if (workspaces != null) {
            workspaces.stop();
        }
    }

    @Override
    public Readiness.Outcome readiness(SpecObject run) {
        return readinessOf(run);
    }

    /** A run is done when it has finished: Succeeded is Ready, any other end is Failed. */
    public static Readiness.Outcome readinessOf(SpecObject run) {
        RunStatus status = RunStatus.of(run.status());
        if (!status.finished()) {
            return Readiness.Outcome.Waiting;
        }
        return status.phase() == RunPhase.SUCCEEDED ? Readiness.Outcome.Ready : Readiness.Outcome.Failed;
    }

    /** A claimed warm container keeps its pool's labels: its events concern the run that claimed it. */
    @Override
    public ObjectKey claimant(String containerId) {
        return pools.claimant(containerId);
    }

    /** Warm containers given to runs before a restart stay theirs (the runs' status names them). */
    public void recoverClaims() {
        for (SpecObject run : store.list(Query.ofKind(Kind.ToolRun))) {
            RunStatus status = RunStatus.of(run.status());
            boolean here = java.util.Objects.equals(node, run.status() == null ? null : run.status().path("node").asText(null));
            if (status.pooledContainer() != null && !status.finished() && (node == null || here)) {
                pools.recover(status.pooledContainer(), run.key());
            }
        }
    }

    @Override
    public Result reconcile(ObjectKey key, SpecObject run) {
        return reconcileWarm(key, run).orElseThrow(() -> new IllegalStateException(key + " declined by a reconciler that starts cold runs"));
    }

    /**
     * As {@link #reconcile}, except that a node's reconciler may decline a run it cannot start warm (nothing is
     * then recorded, and its slot is free again): empty.
     */
    public Optional<Result> reconcileWarm(ObjectKey key, SpecObject run) {
        RunObservation seen;
        RunStep step;
        try {
            seen = observer.observe(key, run);
            step = planner.plan(seen);
            // Ends: the planner asks only for a fact still unknown, and each answer makes one known (five at most).
            while (step instanceof RunStep.Observe ask) {
                seen = observer.answer(ask.fact(), seen, key, run);
                step = planner.plan(seen);
            }
        } catch (RuntimeException e) {
            if (node == null || run == null || RunStatus.of(run.status()).startedAt() != null) {
                throw e;
            }
            // A node's engine failing before anything was given (its image, a claim): the run goes elsewhere.
            slots.release(key);
            return Optional.empty();
        }
        if (step instanceof RunStep.Decline) {
            slots.release(key);
            return Optional.empty();
        }
        return Optional.of(executor.execute(step, key, run, seen.now()));
    }
}
