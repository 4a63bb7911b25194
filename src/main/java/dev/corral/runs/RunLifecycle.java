package dev.corral.runs;

import dev.corral.events.EventRecorder;
import dev.corral.events.EventType;
import dev.corral.loop.ObservedState;
import dev.corral.loop.Result;
import dev.corral.runtime.ContainerRuntime;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.spec.model.RunPhase;
import dev.corral.spec.model.ToolRunSpec;
import dev.corral.store.SpecStore;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * What the run executors share: recording a status and the run's events, ending a run, freeing its
 * slot, removing a container.
 */
final class RunLifecycle {

    private static final Logger LOG = Logger.getLogger(RunLifecycle.class);

    private final SpecStore store;
    private final ContainerRuntime runtime;
    private final ObservedState observed;
    private final RunSlots slots;
    private final WarmPools pools;
    private final AttachedOutputs streams;
    private final Consumer<ObjectKey> enqueue;
    private final EventRecorder events;
    private final RunTimings timings;
    private final String node;
    private final WorkspaceStock workspaces;
    private final RemovalHold removals;

    /**
     * @param node       the Swarm node whose engine this is, written in every status (null: the one engine)
     * @param workspaces the stock cold runs take prepared workspaces from, told when a run ends (null: none)
     * @param removals   when finished runs' containers are removed
     */
    RunLifecycle(SpecStore store, ContainerRuntime runtime, ObservedState observed, RunSlots slots, WarmPools pools,
                 AttachedOutputs streams, Consumer<ObjectKey> enqueue, EventRecorder events, RunTimings timings,
                 String node, WorkspaceStock workspaces, RemovalHold removals) {
        this.node = node;
        this.removals = removals;
        this.workspaces = workspaces;
        this.events = events;
        this.timings = timings;
        this.store = store;
        this.runtime = runtime;
        this.observed = observed;
        this.slots = slots;
        this.pools = pools;
        this.streams = streams;
        this.enqueue = enqueue;
    }

    /** Whether this is a Swarm node's engine, whose runs may go elsewhere (another node, a Swarm job). */
    boolean onNode() {
        return node != null;
    }

    void write(SpecObject run, RunStatusBuilder status) {
        // In the first write that names its container: a restarted Corral finds the run's engine from it.
        status.where("node", node);
        store.updateStatus(run.key(), status.build());
    }

    /** An event on the run (in memory only: it costs the run nothing). */
    void event(SpecObject run, EventType type, String reason, String message) {
        events.record(run.key(), run.metadata().uid(), type, reason, message);
    }

    /** Notes that the run reached {@code mark} (see {@link RunTimings}). */
    void mark(ObjectKey key, RunTimings.Mark mark) {
        timings.mark(key, mark);
    }

    /** Looks at the run again soon, whatever else happens. */
    void wake(ObjectKey key) {
        enqueue.accept(key);
    }

    /**
     * Records the run as finished and lets go of everything of it in memory.
     *
     * @param started  when it started running (null: it never did)
     * @param finished when its container ended (null: now)
     * @return look again when its record expires
     */
    Result finish(SpecObject run, RunStatusBuilder status, RunPhase phase, String message, Instant started,
                  Instant finished, Instant now) {
        Instant end = finished != null ? finished : now;
        status.finished(phase, message, started, end, ToolRunSpec.of(run.spec()).ttlSeconds(null));
        timings.mark(run.key(), RunTimings.Mark.COLLECTED);
        write(run, status);
        // The phase is the reason (Succeeded, Failed, TimedOut, OOMKilled, Cancelled); what went wrong is a Warning.
        event(run, phase == RunPhase.SUCCEEDED || phase == RunPhase.CANCELLED ? EventType.Normal : EventType.Warning,
                phase.json(), message == null ? "the run " + phase.json().toLowerCase(java.util.Locale.ROOT) : message);
        release(run.key());
        if (workspaces != null) {
            workspaces.ended(run.key());
        }
        for (String id : pools.claimedBy(run.key())) {
            // Its output is in the status: nothing of it is kept in memory. The claim goes with the container
            // ({@link #remove}), so that its pool leaves it alone while its removal waits ({@link #discard}).
            streams.stop(id);
            if (observed.container(id).isEmpty()) {
                pools.forget(id);
            }
        }
        LOG.debugf("%s finished: %s", run.key(), phase);
        return Result.requeueAfter(Duration.ofSeconds(status.typed().ttlSecondsAfterFinished()));
    }

    /** A run that is gone: nothing more of it is measured. */
    void forget(ObjectKey key) {
        timings.forget(key);
        removals.forget(key);
        if (workspaces != null) {
            workspaces.ended(key);
        }
    }

    void release(ObjectKey key) {
        ObjectKey next = slots.release(key);
        if (next != null) {
            // A slot is free: wake the oldest waiting run rather than let it poll.
            enqueue.accept(next);
        }
        // No run in flight: the containers whose removal waited go now.
        removals.release().forEach(enqueue);
    }

    /**
     * Removes a finished run's containers, or leaves them for later while other runs are in flight
     * ({@link RemovalHold}).
     *
     * @param finished when the run finished
     * @return how long at most they wait (look at the run again then), or null: removed
     */
    Duration discard(ObjectKey key, Instant finished, Instant now, java.util.List<String> ids) {
        Duration held = removals.hold(key, finished, now);
        if (held == null) {
            ids.forEach(this::remove);
        } else {
            ids.forEach(streams::stop);
        }
        return held;
    }

    void remove(String id) {
        streams.stop(id);
        try {
            runtime.removeContainer(id);
        } catch (RuntimeException e) {
            // Retried (the container stays in the picture, so the next look removes it); said, since it lingers.
            LOG.warnf("could not remove run container %s yet: %s", id, e.getMessage());
            throw e;
        }
        observed.removeContainer(id);
        pools.forget(id);
    }
}
