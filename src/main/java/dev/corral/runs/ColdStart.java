package dev.corral.runs;

import dev.corral.events.EventType;
import dev.corral.loop.ObservedState;
import dev.corral.loop.Result;
import dev.corral.runtime.ContainerRuntime;
import dev.corral.runtime.EngineException;
import dev.corral.runtime.NameConflictException;
import dev.corral.runtime.ObservedContainer;
import dev.corral.spec.SpecObject;
import dev.corral.spec.model.RunPhase;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Starts a run in a container of its own: created once (its deterministic name makes a second
 * create a 409, so no run starts twice, even across a crash), given its inputs, recorded Running,
 * then started.
 */
final class ColdStart {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(ColdStart.class);

    private final ContainerRuntime runtime;
    private final ObservedState observed;
    private final RunLifecycle life;
    private final AttachedOutputs streams;
    private final long outputCap;

    private final java.time.Clock clock;
    private final WorkspaceStock workspaces;

    /** @param workspaces workspaces made ahead for runs whose image's is not their user's, or null for none */
    ColdStart(ContainerRuntime runtime, ObservedState observed, RunLifecycle life, AttachedOutputs streams,
              long outputCap, java.time.Clock clock, WorkspaceStock workspaces) {
        this.clock = clock;
        this.workspaces = workspaces;
        this.runtime = runtime;
        this.observed = observed;
        this.life = life;
        this.streams = streams;
        this.outputCap = outputCap;
    }

    Result start(SpecObject run, RunStatusBuilder status, RunContainers.RunSetup setup, Instant now) {
        boolean looked = workspaces != null && setup.wantsPreparedWorkspace();
        String id = null;
        try {
            if (looked) {
                // Settled when the run ends (RunLifecycle): the holder goes then, its volume staying with the run.
                Optional<String> holder = workspaces.take(setup.shape().imageId(), setup.shape().uid(), run.key());
                if (holder.isPresent()) {
                    RunContainers.RunSetup withHolder = setup.withWorkspaceFrom(holder.get());
                    id = createWithHolder(withHolder);
                    if (id != null) {
                        setup = withHolder;
                    }
                }
            }
            if (id == null) {
                id = runtime.createContainer(setup.request());
            }
        } catch (NameConflictException e) {
            settle(looked, run);
            // Ours from before a crash: the next look adopts it (its labels name this run).
            life.wake(run.key());
            return Result.DONE;
        } catch (EngineException e) {
            settle(looked, run);
            if (!e.terminal()) {
                throw e;
            }
            // The engine refuses this container (no such runtime, an unreadable profile): asking again cannot help.
            return life.finish(run, status, RunPhase.FAILED, "the engine refused the run's container: " + e.getMessage(),
                    null, null, now);
        }
        if (looked) {
            workspaces.created(run.key());
        }
        observed.put(new ObservedContainer(id, setup.request().name(), setup.request().labels(), "created"));
        life.event(run, EventType.Normal, "Created", "created container " + setup.request().name()
                + (setup.preparedWorkspace() ? " with a workspace prepared ahead" : ""));
        if (!setup.inlineFiles()) {
            int uid = setup.shape().uid();
            runtime.copyIn(id, "/workspace", RunFiles.workspace(setup.files(), uid, uid));
        }
        var output = follow(run, id);
        // Recorded before the start: a crash after it finds "Running" and a container, and only collects.
        life.write(run, status.running(now, setup.timeout(), setup.ttl()));
        runtime.startContainer(id);
        life.mark(run.key(), RunTimings.Mark.GIVEN);
        observed.setState(id, "running");
        if (output.isDone() && reported(output)) {
            // A quick command reports before the engine answers the start: its "exited" was just overwritten, and
            // the run would wait for the engine's die event (~25 ms later here) to be collected. (Reported after
            // this look, the attachment's own callback comes after the line above and says "exited" itself.)
            observed.setState(id, "exited");
        }
        life.event(run, EventType.Normal, "Started", "started container " + setup.request().name());
        // The id goes in once it runs: a client following the logs attaches to a started container. Its start time
        // too, now that the engine has started it: a run collected from its attachment is not inspected.
        life.write(run, status.container(id).startedAt(clock.instant()));
        return Result.requeueAfter(Duration.ofSeconds(setup.timeout()));
    }

    /**
     * The run's container with a prepared workspace, or null when the engine refused it for anything but its name
     * (its holder lost to a prune, say): the run then uploads its own workspace, and the holder goes with its look.
     */
    private String createWithHolder(RunContainers.RunSetup withHolder) {
        try {
            return runtime.createContainer(withHolder.request());
        } catch (NameConflictException e) {
            throw e;
        } catch (EngineException e) {
            LOG.debugf("a prepared workspace was refused (%s); the run uploads its own", e.getMessage());
            return null;
        }
    }

    private void settle(boolean looked, SpecObject run) {
        if (looked) {
            workspaces.ended(run.key());
        }
    }

    /**
     * Attached to its output before it starts (as {@code docker run} attaches, then starts): once the
     * launcher has reported, the run is collected from what streamed, without reading its logs, and without
     * waiting for the engine's die event (which comes after the container's exit and clean-up). Without an
     * attachment (a runtime that cannot, a restart) the logs are read as before.
     */
    private java.util.concurrent.CompletableFuture<dev.corral.runtime.StreamedOutput> follow(SpecObject run, String id) {
        var output = runtime.attachOutput(id, outputCap, Launcher.OUTPUT_END);
        streams.put(id, output);
        output.whenComplete((o, t) -> {
            if (t == null && AttachedOutputs.reported(o)) {
                life.mark(run.key(), RunTimings.Mark.REPORTED);
                observed.setState(id, "exited");
                life.wake(run.key());
            }
        });
        return output;
    }

    private static boolean reported(java.util.concurrent.CompletableFuture<dev.corral.runtime.StreamedOutput> output) {
        try {
            dev.corral.runtime.StreamedOutput o = output.getNow(null);
            return o != null && AttachedOutputs.reported(o);
        } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
            return false;
        }
    }
}
