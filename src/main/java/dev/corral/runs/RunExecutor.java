package dev.corral.runs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.events.EventType;
import dev.corral.loop.ObservedState;
import dev.corral.loop.ReconcileException;
import dev.corral.loop.Result;
import dev.corral.runtime.ContainerRuntime;
import dev.corral.runtime.ExecResult;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.spec.model.RunPhase;
import dev.corral.store.NotFoundException;
import dev.corral.store.SpecStore;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/** Carries out the step the planner chose; the bigger ones through {@link ColdStart}, {@link WarmHandOver}, {@link RunCollector}. */
final class RunExecutor {

    private static final Logger LOG = Logger.getLogger(RunExecutor.class);
    private static final Duration SLOT_WAIT = Duration.ofSeconds(1);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private final SpecStore store;
    private final ContainerRuntime runtime;
    private final ObservedState observed;
    private final RunSlots slots;
    private final Path dataDir;
    private final RunLifecycle life;
    private final ColdStart cold;
    private final WarmHandOver warm;
    private final RunCollector collector;

    RunExecutor(SpecStore store, ContainerRuntime runtime, ObservedState observed, RunSlots slots, Path dataDir,
                RunLifecycle life, ColdStart cold, WarmHandOver warm, RunCollector collector) {
        this.store = store;
        this.runtime = runtime;
        this.observed = observed;
        this.slots = slots;
        this.dataDir = dataDir;
        this.life = life;
        this.cold = cold;
        this.warm = warm;
        this.collector = collector;
    }

    /** @param run the stored run (null only for {@link RunStep.RemoveGarbage}) */
    Result execute(RunStep step, ObjectKey key, SpecObject run, Instant now) {
        RunStatusBuilder status = run == null ? null : RunStatusBuilder.of(run);
        // Java 17: no pattern switch yet; RunStep is sealed, and a step not handled here fails loudly.
        if (step instanceof RunStep.RemoveGarbage g) {
            g.containerIds().forEach(life::remove);
            life.release(key);
            life.forget(key);
            return Result.DONE;
        }
        if (step instanceof RunStep.Discard d) {
            Duration held = life.discard(key, RunStatus.of(run.status()).finishedAt(), now, d.containerIds());
            return Result.requeueAfter(held != null ? held : Duration.ZERO);
        }
        if (step instanceof RunStep.Expire) {
            return expire(run);
        }
        if (step instanceof RunStep.Wait w) {
            return Result.requeueAfter(w.after());
        }
        if (step instanceof RunStep.WaitForSlot w) {
            if (w.record()) {
                life.write(run, status.pending("waiting for a free run slot (" + slots.max() + " running)"));
            }
            return Result.requeueAfter(SLOT_WAIT);
        }
        if (step instanceof RunStep.Finish f) {
            if (f.removing() != null) {
                life.remove(f.removing());
            }
            return life.finish(run, status, f.phase(), f.message(), null, null, now);
        }
        if (step instanceof RunStep.BackOff b) {
            life.event(run, EventType.Warning, "ImagePullFailed", b.message());
            throw ReconcileException.retryable("ImagePullFailed", b.message(), b.cause());
        }
        if (step instanceof RunStep.StartCold s) {
            life.mark(key, RunTimings.Mark.PICKED);
            return cold.start(run, status, s.setup(), now);
        }
        if (step instanceof RunStep.StartWarm s) {
            life.mark(key, RunTimings.Mark.PICKED);
            return warm.start(run, status, s.setup(), s.containerId(), now);
        }
        if (step instanceof RunStep.GiveInput g) {
            LOG.infof("%s: giving its warm container its run after a restart", key);
            return warm.give(run, status, g.setup(), g.containerId());
        }
        if (step instanceof RunStep.Resume r) {
            runtime.startContainer(r.containerId());
            observed.setState(r.containerId(), "running");
            life.event(run, EventType.Normal, "Started", "started its container, created before Corral restarted");
            life.write(run, status.container(r.containerId()));
            return Result.requeueAfter(Duration.ZERO);
        }
        if (step instanceof RunStep.Reobserve r) {
            if (r.state() == null) {
                observed.removeContainer(r.containerId());
            } else {
                observed.setState(r.containerId(), r.state());
            }
            return Result.requeueAfter(Duration.ZERO);
        }
        if (step instanceof RunStep.Reinstate r) {
            observed.put(r.container());
            return Result.requeueAfter(Duration.ZERO);
        }
        if (step instanceof RunStep.Kill k) {
            return kill(run, status, k);
        }
        if (step instanceof RunStep.Collect c) {
            return collector.collect(run, status, c.container(), now);
        }
        throw new IllegalStateException("not a step to take: " + step);
    }

    private Result expire(SpecObject run) {
        life.release(run.key());
        life.forget(run.key());
        try {
            store.delete(run.key(), null, run.metadata().source());
        } catch (NotFoundException ignored) {
            // gone already
        }
        RunFiles.delete(dataDir, run.metadata().uid());
        return Result.DONE;
    }

    private Result kill(SpecObject run, RunStatusBuilder status, RunStep.Kill k) {
        if (status.typed().pooled() && reported(k.containerId())) {
            // A warm launcher that reported waits to be removed: the run ended in time, though this process did
            // not see it (a restart, a dropped attachment). Collected from its log instead.
            observed.setState(k.containerId(), "exited");
            return Result.requeueAfter(Duration.ZERO);
        }
        status.resources(probeResources(k.containerId()));
        // Say why first: if Corral stops right after the kill, the collector still knows.
        life.write(run, status.terminating(k.reason()));
        life.event(run, EventType.Normal, "Killing", k.reason() == RunPhase.TIMED_OUT
                ? "killing it: its timeout of " + status.typed().timeoutSeconds() + " s is up" : "killing it: cancelled");
        runtime.killContainer(k.containerId());
        observed.setState(k.containerId(), "exited");
        return Result.requeueAfter(Duration.ZERO);
    }

    /** Whether a warm container's launcher says it reported ({@link Launcher#STARTED_PROBE} answers 2). */
    private boolean reported(String id) {
        try {
            ExecResult r = runtime.exec(id, Launcher.STARTED_PROBE, PROBE_TIMEOUT);
            if (r.exitCode() != null && r.exitCode() == 137) {
                // Caught by the launcher's last kill (the run had just ended): asked once more.
                r = runtime.exec(id, Launcher.STARTED_PROBE, PROBE_TIMEOUT);
            }
            return r.exitCode() != null && r.exitCode() == Launcher.PROBE_REPORTED;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A killed run cannot report: its cgroup is read now, or nothing when it cannot be. */
    private ObjectNode probeResources(String id) {
        try {
            ExecResult r = runtime.exec(id, Launcher.RESOURCES_PROBE, PROBE_TIMEOUT);
            return r.exitCode() != null && r.exitCode() == 0 ? Launcher.resources(r.output()) : null;
        } catch (RuntimeException e) {
            LOG.debugf("no resources of %s before its kill: %s", id, e.getMessage());
            return null;
        }
    }
}
