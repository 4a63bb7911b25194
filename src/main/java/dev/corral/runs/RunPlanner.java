package dev.corral.runs;

import dev.corral.runtime.ContainerDetails;
import dev.corral.runtime.ObservedContainer;
import dev.corral.spec.model.RunPhase;
import dev.corral.spec.model.ToolRunSpec;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides the one step a reconcile of a run takes, from what is known of it. Pure: no store, no
 * engine, no clock of its own; a fact it lacks is asked for ({@link RunStep.Observe}) and the
 * question comes back answered. A run is never started twice: once recorded Running, a missing
 * container fails it, and a container that may have run is never started again.
 */
public final class RunPlanner {

    private final long defaultTimeoutSeconds;
    private final boolean coldStarts;

    /** How often, at first, a warm run that nobody watches is asked whether it has reported. */
    static final Duration UNWATCHED_RECHECK = Duration.ofSeconds(2);
    static final Duration UNWATCHED_RECHECK_MAX = Duration.ofSeconds(30);

    /** @param defaultTimeoutSeconds a Running run's deadline when its status records no timeout */
    public RunPlanner(long defaultTimeoutSeconds) {
        this(defaultTimeoutSeconds, true);
    }

    /** @param coldStarts false: a run that finds no warm container is declined ({@link RunStep.Decline}), not started cold */
    public RunPlanner(long defaultTimeoutSeconds, boolean coldStarts) {
        this.defaultTimeoutSeconds = defaultTimeoutSeconds;
        this.coldStarts = coldStarts;
    }

    public RunStep plan(RunObservation o) {
        if (o.deleted()) {
            List<String> ids = new ArrayList<>(o.owned().stream().map(ObservedContainer::id).toList());
            o.unseenClaims().stream().filter(id -> !ids.contains(id)).forEach(ids::add);
            return new RunStep.RemoveGarbage(ids);
        }
        if (o.status().finished()) {
            return finished(o);
        }
        ObservedContainer c = o.container();
        if (c == null) {
            return notStarted(o);
        }
        if ("created".equals(c.state())) {
            return created(o, c);
        }
        return c.running() ? running(o, c) : new RunStep.Collect(c);
    }

    private static RunStep finished(RunObservation o) {
        if (!o.owned().isEmpty() && !o.keepContainer()) {
            return new RunStep.Discard(o.owned().stream().map(ObservedContainer::id).toList(), "its run has finished");
        }
        Long ttl = o.status().ttlSecondsAfterFinished();
        Instant expires = o.status().finishedAt().plusSeconds(ttl != null ? ttl : ToolRunSpec.DEFAULT_TTL_SECONDS);
        return o.now().isBefore(expires) ? new RunStep.Wait(Duration.between(o.now(), expires)) : new RunStep.Expire();
    }

    private RunStep notStarted(RunObservation o) {
        RunPhase phase = o.status().phase();
        if (phase == RunPhase.RUNNING) {
            // Missing from the picture: failed only on the engine's word. Failing a run cannot be undone, and the
            // picture is a cache (a resync once showed readers an empty one for an instant: six runs of a burst
            // failed, their containers running; ObservedState no longer does, this stays as the check before).
            if (o.status().containerId() != null && o.engine() == null) {
                return new RunStep.Observe(RunStep.Fact.ENGINE);
            }
            ContainerDetails d = o.engine() == null ? null : o.engine().details();
            if (d != null) {
                String state = d.running() ? "running" : d.startedAt() == null ? "created" : "exited";
                return new RunStep.Reinstate(new ObservedContainer(d.id(), d.name(), d.labels(), state));
            }
            // It ran, and its container is gone: never start a run twice.
            return new RunStep.Finish(RunPhase.FAILED, "its container disappeared before its result was collected", null);
        }
        if (o.cancel()) {
            return new RunStep.Finish(RunPhase.CANCELLED, "cancelled before it started", null);
        }
        if (o.slot() == null) {
            return new RunStep.Observe(RunStep.Fact.SLOT);
        }
        if (o.slot() == RunObservation.Slot.FULL) {
            return coldStarts ? new RunStep.WaitForSlot(phase != RunPhase.PENDING) : new RunStep.Decline();
        }
        if (o.setup() == null) {
            return new RunStep.Observe(RunStep.Fact.SETUP);
        }
        if (o.setup() instanceof RunObservation.Setup.Refused r) {
            if (!coldStarts) {
                return new RunStep.Decline(); // this engine cannot (its image, say): the job path decides, and says why
            }
            return r.retryable() != null ? new RunStep.BackOff(r.message(), r.retryable())
                    : new RunStep.Finish(RunPhase.FAILED, r.message(), null);
        }
        RunContainers.RunSetup setup = ((RunObservation.Setup.Ready) o.setup()).setup();
        // A NUL byte cannot travel through sh: such a run's inputs are uploaded, which only a cold start does.
        boolean poolable = setup.shape().poolBounds().pooled() && Launcher.textOnly(setup.files());
        if (poolable && o.warm() == null) {
            return new RunStep.Observe(RunStep.Fact.WARM);
        }
        if (poolable && o.warm().containerId() != null) {
            return new RunStep.StartWarm(setup, o.warm().containerId());
        }
        return coldStarts ? new RunStep.StartCold(setup) : new RunStep.Decline();
    }

    private static RunStep created(RunObservation o, ObservedContainer c) {
        if (o.status().phase() != RunPhase.RUNNING) {
            // Created, but its inputs may not all be in (a failure or a crash before "Running" was recorded):
            // it never ran, so it is thrown away and the run starts afresh.
            return new RunStep.Discard(List.of(c.id()), "created, and not recorded as started: its inputs may be incomplete");
        }
        // Recorded as Running and seen as created: either Corral stopped between recording and starting, or the
        // picture is stale and it has run already. Only the engine knows: never start it twice.
        if (o.engine() == null) {
            return new RunStep.Observe(RunStep.Fact.ENGINE);
        }
        ContainerDetails d = o.engine().details();
        if (d == null) {
            return new RunStep.Reobserve(c.id(), null);
        }
        if (d.startedAt() != null) {
            return new RunStep.Reobserve(c.id(), d.running() ? "running" : "exited");
        }
        return new RunStep.Resume(c.id());
    }

    private RunStep running(RunObservation o, ObservedContainer c) {
        RunStatus s = o.status();
        Instant started = s.startedAt() != null ? s.startedAt() : o.now();
        Instant deadline = started.plusSeconds(s.timeoutSeconds() != null ? s.timeoutSeconds() : defaultTimeoutSeconds);
        RunPhase kill = o.cancel() ? RunPhase.CANCELLED : !o.now().isBefore(deadline) ? RunPhase.TIMED_OUT : null;
        if (kill != null) {
            // A killed run cannot report: its cgroup is read first (best effort: a fork bomb leaves no pid for it).
            return new RunStep.Kill(c.id(), kill);
        }
        if (s.pooled()) {
            if (o.input() == null) {
                return new RunStep.Observe(RunStep.Fact.INPUT);
            }
            if (o.input() == RunObservation.Input.REPORTED) {
                // It reported before a restart, and waits to be removed: its output is in its log.
                return new RunStep.Collect(c);
            }
            if (o.input() == RunObservation.Input.AWAITED) {
                if (o.setup() == null) {
                    return new RunStep.Observe(RunStep.Fact.SETUP);
                }
                if (o.setup() instanceof RunObservation.Setup.Refused r) {
                    return new RunStep.Finish(RunPhase.FAILED, "could not be started after Corral restarted: "
                            + r.message(), c.id());
                }
                return new RunStep.GiveInput(((RunObservation.Setup.Ready) o.setup()).setup(), c.id());
            }
            if (o.input() == RunObservation.Input.STARTED) {
                // No attachment sees its report (a restart, a dropped one), and its launcher does not exit after it:
                // asked again, less often the longer it has run (a quarter of its age, 2 to 30 s).
                Duration age = Duration.between(started, o.now()).dividedBy(4);
                Duration every = age.compareTo(UNWATCHED_RECHECK) < 0 ? UNWATCHED_RECHECK
                        : age.compareTo(UNWATCHED_RECHECK_MAX) > 0 ? UNWATCHED_RECHECK_MAX : age;
                Duration left = Duration.between(o.now(), deadline);
                return new RunStep.Wait(left.compareTo(every) < 0 ? left : every);
            }
        }
        return new RunStep.Wait(Duration.between(o.now(), deadline));
    }
}
