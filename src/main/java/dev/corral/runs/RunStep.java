package dev.corral.runs;

import dev.corral.runtime.ObservedContainer;
import dev.corral.spec.model.RunPhase;

import java.time.Duration;
import java.util.List;

/**
 * The one thing a reconcile of a run does, as {@link RunPlanner} chose it. {@link #toString()} is
 * stable (no ids of requests, no byte arrays): the planner's golden tests compare it.
 */
public sealed interface RunStep {

    /** A fact the planner needs before it can choose: one that costs an engine call or takes a reservation. */
    enum Fact {
        /** Whether a run slot is free; asking takes it when it is. */
        SLOT,
        /** The run's container setup (its Tool read, its image made present). */
        SETUP,
        /** An idle warm container for the setup's shape; asking claims it (and asks the pool for a replacement). */
        WARM,
        /** The engine's own view of the container (an inspect). */
        ENGINE,
        /** Whether a claimed warm container took its run's input (asked of the container after a restart). */
        INPUT
    }

    /** Not a step on the world: the reconciler gathers the fact and asks the planner again. */
    record Observe(Fact fact) implements RunStep {
        @Override
        public String toString() {
            return "Observe " + fact;
        }
    }

    /** The run is gone: what it owned goes, and its slot is freed. */
    record RemoveGarbage(List<String> containerIds) implements RunStep {
        @Override
        public String toString() {
            return "RemoveGarbage " + containerIds;
        }
    }

    /** Containers that must not stay (a finished run's, or one whose inputs may be incomplete); then look again. */
    record Discard(List<String> containerIds, String why) implements RunStep {
        @Override
        public String toString() {
            return "Discard " + containerIds + ": " + why;
        }
    }

    /** A finished run's time is up: its record and files go. */
    record Expire() implements RunStep {
        @Override
        public String toString() {
            return "Expire";
        }
    }

    /** Nothing to do until then (the deadline, or the record's expiry). */
    record Wait(Duration after) implements RunStep {
        @Override
        public String toString() {
            return "Wait " + after.toMillis() + " ms";
        }
    }

    /** Every slot is taken: the run waits as Pending ({@code record}: it is not recorded as such yet). */
    record WaitForSlot(boolean record) implements RunStep {
        @Override
        public String toString() {
            return "WaitForSlot" + (record ? ", recorded Pending" : "");
        }
    }

    /** Ends a run with no result to collect, after removing {@code removing} (null: nothing). */
    record Finish(RunPhase phase, String message, String removing) implements RunStep {
        @Override
        public String toString() {
            return "Finish " + phase + " (" + message + ")" + (removing == null ? "" : " after removing " + removing);
        }
    }

    /** The image could not be had yet: retried with the key's backoff. */
    record BackOff(String message, Throwable cause) implements RunStep {
        @Override
        public String toString() {
            return "BackOff (" + message + ")";
        }
    }

    /**
     * No warm container is free, and this reconciler starts no cold runs (a Swarm node's pools: the run becomes
     * a Swarm job instead); its slot is given back.
     */
    record Decline() implements RunStep {
        @Override
        public String toString() {
            return "Decline";
        }
    }

    /** A new container of the run's own, created, given its inputs and started. */
    record StartCold(RunContainers.RunSetup setup) implements RunStep {
        @Override
        public String toString() {
            return "StartCold " + setup.request().name();
        }
    }

    /** A claimed warm container, recorded as the run's and then given its input. */
    record StartWarm(RunContainers.RunSetup setup, String containerId) implements RunStep {
        @Override
        public String toString() {
            return "StartWarm " + containerId + " of " + setup.shape().pool().name();
        }
    }

    /** The run's warm container waits for its input still (Corral stopped in between): it is given it now. */
    record GiveInput(RunContainers.RunSetup setup, String containerId) implements RunStep {
        @Override
        public String toString() {
            return "GiveInput " + containerId;
        }
    }

    /** Recorded as Running, created, never started (Corral stopped in between): started now. */
    record Resume(String containerId) implements RunStep {
        @Override
        public String toString() {
            return "Resume " + containerId;
        }
    }

    /** The picture was stale: the container is in {@code state}, or gone (null); then look again. */
    record Reobserve(String containerId, String state) implements RunStep {
        @Override
        public String toString() {
            return "Reobserve " + containerId + " as " + (state == null ? "gone" : state);
        }
    }

    /** The picture had lost a container the engine still has: it is put back; then look again. */
    record Reinstate(ObservedContainer container) implements RunStep {
        @Override
        public String toString() {
            return "Reinstate " + container.id() + " as " + container.state();
        }
    }

    /** Killed for a reason, which is recorded first, with its cgroup's figures read just before (it cannot report). */
    record Kill(String containerId, RunPhase reason) implements RunStep {
        @Override
        public String toString() {
            return "Kill " + containerId + ": " + reason;
        }
    }

    /** The container has ended: its output and result are read, the run finished, the container removed. */
    record Collect(ObservedContainer container) implements RunStep {
        @Override
        public String toString() {
            return "Collect " + container.id();
        }
    }
}
