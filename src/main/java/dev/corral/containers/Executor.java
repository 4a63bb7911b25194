package dev.corral.containers;

import dev.corral.containers.PlannedAction.ConnectNetwork;
import dev.corral.containers.PlannedAction.CreateContainer;
import dev.corral.containers.PlannedAction.CreateNetwork;
import dev.corral.containers.PlannedAction.CreateVolume;
import dev.corral.containers.PlannedAction.ExpireSession;
import dev.corral.containers.PlannedAction.PauseContainer;
import dev.corral.containers.PlannedAction.RemoveContainer;
import dev.corral.containers.PlannedAction.RemoveNetwork;
import dev.corral.containers.PlannedAction.RemoveVolume;
import dev.corral.containers.PlannedAction.StartContainer;
import dev.corral.containers.PlannedAction.StopContainer;
import dev.corral.containers.PlannedAction.UnpauseContainer;
import dev.corral.events.EventRecorder;
import dev.corral.loop.ObservedState;
import dev.corral.loop.ReconcileException;
import dev.corral.ownership.Ownership;
import dev.corral.runtime.ContainerDetails;
import dev.corral.runtime.ContainerRuntime;
import dev.corral.runtime.EngineException;
import dev.corral.runtime.ImageDefaults;
import dev.corral.runtime.ImageUnavailableException;
import dev.corral.runtime.NameConflictException;
import dev.corral.runtime.NetworkRequest;
import dev.corral.runtime.ObservedContainer;
import dev.corral.runtime.ObservedNetwork;
import dev.corral.runtime.ObservedVolume;
import dev.corral.runtime.OwnContainer;
import dev.corral.spec.ObjectKey;
import dev.corral.store.NotFoundException;
import dev.corral.store.SpecStore;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * Walks a plan and carries no decisions of its own: stages in order, the actions of a stage in
 * parallel. Every step is idempotent (the runtime treats "already done" answers as success; a
 * create that meets its own earlier container adopts it), so a plan can be repeated after a crash.
 * Keeps {@link ObservedState} up to date with what it did. Dispatches on the action's type: each
 * kind of step carries exactly what it needs. Each step done is an event on the object
 * ({@code Created}, {@code Started}, {@code Killing}, ...), recorded in memory only.
 */
public final class Executor {

    private static final Logger LOG = Logger.getLogger(Executor.class);

    private final ContainerRuntime runtime;
    private final ObservedState observed;
    private final ExecutorService parallel;
    private final Duration stopGrace;
    private final OwnContainer own;
    private final SpecStore store;
    private final EventRecorder events;
    private final ContainerStarter starter;

    public Executor(ContainerRuntime runtime, ObservedState observed, ExecutorService parallel, Duration stopGrace,
                    OwnContainer own, SpecStore store, EventRecorder events) {
        this.store = store;
        this.events = events;
        this.runtime = runtime;
        this.observed = observed;
        this.parallel = parallel;
        this.stopGrace = stopGrace;
        this.own = own;
        this.starter = new ContainerStarter(runtime, observed);
    }

    /** Stops the pool that runs a plan's independent steps in parallel. */
    public void shutdown() {
        parallel.shutdownNow();
    }

    /**
     * Runs the plan for {@code key}; throws the first failure after its stage has finished.
     *
     * @param uid the object's uid, for its events (null when the object is gone)
     */
    public void execute(ObjectKey key, String uid, Plan plan) {
        Step on = new Step(key, uid);
        Map<String, String> created = new ConcurrentHashMap<>();
        for (List<PlannedAction> stage : plan.stages()) {
            if (stage.size() == 1) {
                run(on, stage.get(0), created);
                continue;
            }
            List<CompletableFuture<Void>> futures = new ArrayList<>();
            for (PlannedAction a : stage) {
                futures.add(CompletableFuture.runAsync(() -> run(on, a, created), parallel));
            }
            java.lang.RuntimeException first = null;
            for (CompletableFuture<Void> f : futures) {
                try {
                    f.join();
                } catch (CompletionException e) {
                    if (first == null) {
                        first = e.getCause() instanceof java.lang.RuntimeException r ? r : e;
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        }
    }

    /** The object a plan is for: whom its events concern. */
    private record Step(ObjectKey key, String uid) {
    }

    /** Carries out one action; {@code created} maps names to the ids of containers this plan created. */
    private void run(Step on, PlannedAction a, Map<String, String> created) {
        if (a instanceof CreateNetwork n) {
            createNetwork(on, n.request());
        } else if (a instanceof CreateVolume v) {
            runtime.createVolume(v.target(), v.labels());
            observed.put(new ObservedVolume(v.target(), v.labels()));
        } else if (a instanceof CreateContainer c) {
            created.put(c.target(), createContainer(on, c.container(), c.cause()));
        } else if (a instanceof StartContainer s) {
            starter.start(s.containerId() != null ? s.containerId() : created.get(s.target()));
            event(on, "Started", "started container " + s.target());
        } else if (a instanceof StopContainer s) {
            event(on, "Killing", "stopping container " + s.target() + ": " + s.cause());
            runtime.stopContainer(s.containerId(), stopGrace);
            observed.setState(s.containerId(), "exited");
        } else if (a instanceof PauseContainer p) {
            runtime.pauseContainer(p.containerId());
            observed.setState(p.containerId(), "paused");
            event(on, "Paused", "paused container " + p.target() + ": " + p.cause());
        } else if (a instanceof UnpauseContainer u) {
            runtime.unpauseContainer(u.containerId());
            observed.setState(u.containerId(), "running");
            event(on, "Unpaused", "unpaused container " + u.target() + ": " + u.cause());
        } else if (a instanceof RemoveContainer r) {
            runtime.removeContainer(r.containerId());
            observed.removeContainer(r.containerId());
            event(on, "Removed", "removed container " + r.target() + ": " + r.cause());
        } else if (a instanceof RemoveVolume v) {
            runtime.removeVolume(v.target());
            observed.removeVolume(v.target());
        } else if (a instanceof ConnectNetwork c) {
            runtime.connect(c.networkId(), c.containerId(), c.aliases());
            observed.setNetwork(c.containerId(), c.network(), c.networkId());
            event(on, "Reconnected", "reconnected container " + c.target() + " to " + c.network() + ": " + c.cause());
        } else if (a instanceof RemoveNetwork n) {
            removeNetwork(n.target(), n.networkId());
            observed.removeNetwork(n.target());
            event(on, "Removed", "removed network " + n.target() + ": " + n.cause());
        } else if (a instanceof ExpireSession e) {
            event(on, "Expired", e.cause() + ": deleting it and everything in it");
            expire(e);
        } else {
            throw new IllegalStateException("no executor step for " + a);
        }
    }

    private void expire(ExpireSession e) {
        LOG.infof("%s %s: deleting it and everything in it", e.key().describe(), e.cause());
        try {
            store.delete(e.key(), null, e.source());
        } catch (NotFoundException ignored) {
            // deleted meanwhile
        }
    }

    /** Corral's own container, if it probes there, leaves first: a network with endpoints cannot be removed. */
    private void removeNetwork(String name, String id) {
        own.leave(name, id, false);
        try {
            runtime.removeNetwork(id);
        } catch (EngineException e) {
            if (own.self().isEmpty() || !String.valueOf(e.getMessage()).contains("active endpoints")) {
                throw e;
            }
            // Attached without our knowing (a stale picture, or by hand): leave anyway and try again once.
            own.leave(name, id, true);
            runtime.removeNetwork(id);
        }
    }

    private void event(Step on, String reason, String message) {
        events.normal(on.key(), on.uid(), reason, message);
    }

    private void createNetwork(Step on, NetworkRequest r) {
        try {
            String id = runtime.createNetwork(r);
            observed.put(new ObservedNetwork(id, r.name(), r.labels(), r.subnet(), r.internal()));
            event(on, "Created", "created network " + r.name() + " (" + r.subnet() + ")");
        } catch (NameConflictException e) {
            // Our picture was stale, or someone else owns the name: look.
            ObservedNetwork existing = runtime.listNetworks().stream().filter(n -> n.name().equals(r.name()))
                    .findFirst().orElse(null);
            if (existing == null) {
                throw ReconcileException.terminal("NameConflict", "network " + r.name()
                        + " exists and is not Corral's; remove it or rename the session", e);
            }
            observed.put(existing);
            event(on, "Adopted", "adopted network " + r.name() + ", found on the engine");
        }
    }

    private String createContainer(Step on, DesiredContainer d, String cause) {
        for (var m : d.request().mounts()) {
            String problem = m.bind() ? own.hostPathProblem(m.source()) : null;
            if (problem != null) {
                throw ReconcileException.terminal("CodeNotShared", problem, null);
            }
        }
        try {
            ImageDefaults image = runtime.ensureImage(d.image(), d.pullPolicy());
            if (image.pulled()) {
                event(on, "Pulled", "pulled image " + d.image());
            }
        } catch (ImageUnavailableException e) {
            if (!e.mayPull()) {
                throw ReconcileException.terminal("ImagePullFailed", e.getMessage(), e);
            }
            throw ReconcileException.retryable("ImagePullFailed", e.getMessage(), e);
        }
        try {
            String id = runtime.createContainer(d.request());
            observed.put(new ObservedContainer(id, d.name(), d.request().labels(), "created", attached(d)));
            event(on, "Created", "created container " + d.name() + ": " + cause);
            return id;
        } catch (ImageUnavailableException e) {
            throw ReconcileException.retryable("ImagePullFailed", e.getMessage(), e);
        } catch (NameConflictException e) {
            return adopt(on, d, e);
        } catch (EngineException e) {
            if (e.terminal()) {
                throw ReconcileException.terminal("InvalidContainerSpec", "the engine refused the container: " + e.getMessage(), e);
            }
            throw e;
        }
    }

    /** The name is taken: ours from an earlier try (adopt or replace it) or someone else's (terminal). */
    private String adopt(Step on, DesiredContainer d, NameConflictException conflict) {
        ContainerDetails c = runtime.inspectContainer(d.name()).orElse(null);
        if (c == null) {
            throw ReconcileException.retryable("NameConflict", "name " + d.name() + " was taken and is free again", conflict);
        }
        if (!on.key().equals(Ownership.ownerOf(c.labels()))) {
            throw ReconcileException.terminal("NameConflict", "container name " + d.name() + " is taken by container "
                    + c.id().substring(0, 12) + ", which Corral does not own; remove or rename it", conflict);
        }
        String state = c.running() ? "running" : "exited";
        ObservedContainer seen = new ObservedContainer(c.id(), d.name(), c.labels(), state);
        String mismatch = CurrentContainer.mismatch(d, d.name(), c.labels(), state);
        if (mismatch == null) {
            observed.put(seen);
            event(on, "Adopted", "adopted container " + d.name() + " (" + c.id().substring(0, Math.min(12, c.id().length()))
                    + "), made by an earlier try");
            return c.id();
        }
        runtime.removeContainer(c.id());
        observed.removeContainer(c.id());
        String id = runtime.createContainer(d.request());
        observed.put(new ObservedContainer(id, d.name(), d.request().labels(), "created", attached(d)));
        event(on, "Created", "created container " + d.name() + ", replacing an earlier one: " + mismatch);
        return id;
    }

    /** The network a new container joined, as the list call would show it (unknown if the network is not seen yet). */
    private Map<String, String> attached(DesiredContainer d) {
        return observed.network(d.network()).map(n -> Map.of(d.network(), n.id())).orElse(null);
    }
}
