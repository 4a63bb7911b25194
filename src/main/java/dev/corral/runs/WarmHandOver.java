package dev.corral.runs;

import dev.corral.config.CorralConfig;
import dev.corral.events.EventType;
import dev.corral.loop.ObservedState;
import dev.corral.loop.Result;
import dev.corral.runtime.ContainerRuntime;
import dev.corral.runtime.EngineException;
import dev.corral.runtime.StreamedOutput;
import dev.corral.spec.SpecObject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * Gives a claimed warm container its run: recorded first (a crash after this finds "Running" and
 * that container, and asks it whether it took its run before giving it again), then its files and
 * environment written to the waiting launcher's stdin.
 */
final class WarmHandOver {

    private static final Logger LOG = Logger.getLogger(WarmHandOver.class);
    private static final Duration GIVE_TIMEOUT = Duration.ofSeconds(30);

    private final ContainerRuntime runtime;
    private final ObservedState observed;
    private final WarmPools pools;
    private final AttachedOutputs streams;
    private final RunLifecycle life;
    private final CorralConfig.Runs config;

    WarmHandOver(ContainerRuntime runtime, ObservedState observed, WarmPools pools, AttachedOutputs streams,
                 RunLifecycle life, CorralConfig.Runs config) {
        this.runtime = runtime;
        this.observed = observed;
        this.pools = pools;
        this.streams = streams;
        this.life = life;
        this.config = config;
    }

    Result start(SpecObject run, RunStatusBuilder status, RunContainers.RunSetup setup, String id, Instant now) {
        try {
            life.write(run, status.running(now, setup.timeout(), setup.ttl()).container(id).pooled());
        } catch (RuntimeException e) {
            // Not recorded, so not given: the container goes (it would be nobody's), the run is tried again.
            life.remove(id);
            throw e;
        }
        return give(run, status, setup, id);
    }

    Result give(SpecObject run, RunStatusBuilder status, RunContainers.RunSetup setup, String id) {
        try {
            // Attached until its report: its output arrives as it is written, so collecting needs no engine call.
            CompletableFuture<StreamedOutput> output = runtime.attach(id, setup.payload(lingerSeconds(config)), config.outputCapBytes(),
                    GIVE_TIMEOUT, Launcher.OUTPUT_END);
            streams.put(id, output);
            output.whenComplete((o, t) -> {
                life.mark(run.key(), RunTimings.Mark.REPORTED);
                if (t == null && AttachedOutputs.reported(o)) {
                    // The launcher reported, then exits: the run is over, and is collected now rather than
                    // when the engine closes the streams or its die event comes (tens of ms later, after
                    // the container's exit and the engine's clean-up; measured ~90 ms on a slow engine).
                    observed.setState(id, "exited");
                }
                life.wake(run.key());
            });
        } catch (EngineException e) {
            if (e.status() == 409 || e.status() == 404) {
                // It stopped before taking the run: the run never started, and is tried again.
                return retryElsewhere(run, status, id, "its warm container stopped before the run started");
            }
            throw e;
        }
        life.mark(run.key(), RunTimings.Mark.GIVEN);
        pools.markFed(id);
        life.event(run, EventType.Normal, "Started", "started in warm container " + id.substring(0, Math.min(12, id.length()))
                + " of pool " + setup.shape().pool().name());
        return Result.requeueAfter(Duration.ofSeconds(setup.timeout()));
    }

    /**
     * How long a warm container that reported waits to be removed before it exits by itself: past the longest its
     * removal is held, so that it exits on its own only if Corral is gone; 0 when removals are never held.
     */
    static long lingerSeconds(CorralConfig.Runs config) {
        long max = config.removalDelayMax().toSeconds();
        return max > 0 ? max + 20 : 0;
    }

    /** A warm container that never took the run goes, and the run starts again from Pending. */
    Result retryElsewhere(SpecObject run, RunStatusBuilder status, String id, String why) {
        LOG.infof("%s: %s; trying again", run.key(), why);
        life.remove(id);
        life.write(run, status.pendingAgain(why + "; trying again"));
        if (life.onNode()) {
            life.release(run.key()); // it may start on another node, or as a Swarm job: its slot here is free
        }
        return Result.requeueAfter(Duration.ZERO);
    }
}
