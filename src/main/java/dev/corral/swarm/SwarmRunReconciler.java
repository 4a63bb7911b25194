package dev.corral.swarm;

import dev.corral.config.CorralConfig;
import dev.corral.events.EventRecorder;
import dev.corral.loop.KindReconciler;
import dev.corral.loop.Readiness;
import dev.corral.loop.Result;
import dev.corral.ownership.ResourceNames;
import dev.corral.runs.Launcher;
import dev.corral.runs.RunContainers;
import dev.corral.runs.RunEnding;
import dev.corral.runs.RunFiles;
import dev.corral.runs.RunReconciler;
import dev.corral.runs.RunStatus;
import dev.corral.runs.RunStatusBuilder;
import dev.corral.runs.Runner;
import dev.corral.runtime.ContainerRuntime;
import dev.corral.runtime.EngineException;
import dev.corral.runtime.ImageUnavailableException;
import dev.corral.runtime.Labels;
import dev.corral.runtime.Logs;
import dev.corral.runtime.NameConflictException;
import dev.corral.runtime.ObservedNode;
import dev.corral.runtime.ObservedService;
import dev.corral.runtime.ObservedTask;
import dev.corral.runtime.ServiceRuntime;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.spec.model.RunPhase;
import dev.corral.spec.model.ToolRunSpec;
import dev.corral.store.NotFoundException;
import dev.corral.store.SpecStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * ToolRuns as Swarm jobs ({@code corral.engine.runs=swarm}): each run is a one-replica service with restart
 * condition {@code none}, named after the run, that Swarm places on any node its scheduler picks. Swarm
 * starts one task and never another; Corral never makes a second service for a run (the status records the
 * service before and after its creation, and a name already taken by the run's own service is adopted).
 * Inputs travel in the job's environment (the cold launcher); stdout and stderr come back through the
 * manager ({@code service logs}); the exit code from the task. A run whose node is lost, or whose service is
 * removed behind Corral's back, ends {@code Failed} with the reason, and is not run again. A job's output files
 * stay on its node.
 *
 * <p>With {@code corral.engine.node-engines}, a run first looks for a warm container at the nodes' own engines
 * ({@link NodePoolReconciler}): one that finds one runs in it, on that engine, as on one engine (its status names
 * the node; output files collected), driven by that node's {@link RunReconciler}; one that finds none is a job.
 */
public final class SwarmRunReconciler implements KindReconciler {

    /** How often a running job is looked at, besides the watcher's wake-ups. */
    static final Duration POLL = Duration.ofSeconds(1);

    /** How soon a run's own network is tried again while Swarm still detaches its ended task. */
    static final Duration NETWORK_RETRY = Duration.ofSeconds(2);

    private final ServiceRuntime swarm;
    private final ContainerRuntime manager;
    private final SpecStore store;
    private final SwarmWatcher watcher;
    private final EventRecorder events;
    private final CorralConfig.Runs config;
    private final Clock clock;
    private final SwarmJobs jobs;
    private final NodeEngines nodes;
    private final java.util.function.Consumer<ObjectKey> refill;

    /**
     * @param manager  the manager's own engine: a run's image is read there (its ENTRYPOINT and CMD)
     * @param instance this Corral's {@code corral.instance}: only its services and networks are touched
     */
    public SwarmRunReconciler(ServiceRuntime swarm, ContainerRuntime manager, SpecStore store, SwarmWatcher watcher,
                              EventRecorder events, CorralConfig.Runs config, Clock clock, String instance) {
        this(swarm, manager, store, watcher, events, config, clock, instance, NodeEngines.none(), k -> {
        });
    }

    /**
     * @param nodes  the nodes whose engines keep warm pools
     * @param refill looks at a warm pool again (one no node had a free container of grows)
     */
    SwarmRunReconciler(ServiceRuntime swarm, ContainerRuntime manager, SpecStore store, SwarmWatcher watcher,
                       EventRecorder events, CorralConfig.Runs config, Clock clock, String instance, NodeEngines nodes,
                       java.util.function.Consumer<ObjectKey> refill) {
        this.nodes = nodes;
        this.refill = refill;
        this.swarm = swarm;
        this.manager = manager;
        this.store = store;
        this.watcher = watcher;
        this.events = events;
        this.config = config;
        this.clock = clock;
        this.jobs = new SwarmJobs(swarm, manager, store, config, instance);
    }

    @Override
    public Set<Kind> kinds() {
        return Set.of(Kind.ToolRun);
    }

    @Override
    public Readiness.Outcome readiness(SpecObject run) {
        return RunReconciler.readinessOf(run);
    }

    /** A node's warm container claimed by a run: its events concern the run. */
    @Override
    public ObjectKey claimant(String containerId) {
        return nodes.claimant(containerId);
    }

    @Override
    public Result reconcile(ObjectKey key, SpecObject run) {
        watcher.start();
        nodes.start();
        String name = ResourceNames.container(key);
        if (run == null) {
            // A run deleted, or expired: its warm container goes (wherever it was), its job, and its network too,
            // once Swarm has let go of it (retried).
            boolean waiting = false;
            for (NodeEngine n : nodes.all()) {
                if (n.usable()) {
                    n.runs.reconcile(key, null);
                } else if (!n.pools.claimedBy(key).isEmpty()) {
                    waiting = true; // its container there goes once the engine answers (or its node is lost for good)
                }
            }
            if (!jobs.remove(name)) {
                return Result.requeueAfter(NETWORK_RETRY);
            }
            return waiting ? Result.requeueAfter(POLL) : Result.DONE;
        }
        RunStatus status = RunStatus.of(run.status());
        Instant now = clock.instant();
        String node = warmNode(run);
        if (node != null) {
            return onNode(key, run, status, node, now);
        }
        if (status.finished()) {
            return expireOrWait(run, status, name, now);
        }
        boolean cancel = run.metadata().annotations() != null
                && "true".equals(run.metadata().annotations().get(ToolRunSpec.CANCEL_ANNOTATION));
        if (status.startedAt() == null) {
            if (cancel) {
                return finish(run, RunStatusBuilder.of(run), RunPhase.CANCELLED, "cancelled before it started", null, now);
            }
            Optional<Result> warm = startWarm(key, run);
            return warm.isPresent() ? warm.get() : launch(run, name, now);
        }
        if (!run.status().has("service")) {
            return finish(run, RunStatusBuilder.of(run), RunPhase.FAILED, "it was started on the manager's engine, "
                    + "before corral.engine.runs=swarm: not run again as a Swarm job", status.startedAt(), now);
        }
        // Whatever Swarm or the manager does, a started run ends at its deadline, and when cancelled.
        long timeout = status.timeoutSeconds() == null ? config.defaultTimeoutSeconds() : status.timeoutSeconds();
        Instant deadline = status.startedAt().plusSeconds(timeout);
        if (!now.isBefore(deadline)) {
            return end(run, name, RunStatusBuilder.of(run), RunPhase.TIMED_OUT, "killed at its timeout of " + timeout
                    + " s", status.startedAt(), now);
        }
        if (cancel) {
            return end(run, name, RunStatusBuilder.of(run), RunPhase.CANCELLED, "cancelled", status.startedAt(), now);
        }
        String serviceId = run.status().path("serviceId").asText(null);
        Optional<ObservedService> service = jobs.service(name);
        if (service.isPresent() && !jobs.ours(service.get())) {
            return finish(run, RunStatusBuilder.of(run), RunPhase.FAILED, "the service name " + name
                    + " is taken by another Corral's service", status.startedAt(), now);
        }
        if (service.isPresent() && !run.metadata().uid().equals(service.get().label(Labels.UID))) {
            jobs.remove(name); // an earlier run's of the same name, deleted before its job went
            return Result.requeueAfter(POLL);
        }
        if (service.isEmpty() || serviceId != null && !serviceId.equals(service.get().id())) {
            if (serviceId == null) {
                return launch(run, name, now); // recorded as starting, not made yet (Corral stopped in between)
            }
            return end(run, name, RunStatusBuilder.of(run), RunPhase.FAILED,
                    "its Swarm service was removed while it ran (not run again)", status.startedAt(), now);
        }
        if (serviceId == null) {
            // Made, and Corral stopped before it recorded so: the run's own service (its uid says so), adopted.
            store.updateStatus(run.key(), RunStatusBuilder.of(run).build().put("serviceId", service.get().id()));
            return Result.requeueAfter(Duration.ZERO);
        }
        return follow(run, name, status, service.get(), deadline, now);
    }

    /** The node whose warm container the run took (its status says so, and names no job), or null. */
    static String warmNode(SpecObject run) {
        var recorded = run.status();
        return recorded != null && recorded.path("pooled").asBoolean(false) && !recorded.has("service")
                ? recorded.path("node").asText(null) : null;
    }

    /**
     * Offers the run to the nodes with a free warm container of its pool, most free first: the first to claim one
     * starts it. Empty when none did (the run is then a job, and every node's pool grows as for a miss).
     */
    private Optional<Result> startWarm(ObjectKey key, SpecObject run) {
        if (nodes.isEmpty()) {
            return Optional.empty();
        }
        ToolRunSpec spec = ToolRunSpec.of(run.spec());
        ObjectKey pool = spec.languageRun() ? Runner.of(spec.language()).poolKey() : RunContainers.toolKey(spec);
        List<String> constraints = jobs.constraints(run);
        List<NodeEngine> free = nodes.all().stream()
                .filter(n -> n.usable() && n.pools.idleCount(pool) > 0
                        && watcher.node(n.name).filter(x -> NodePoolReconciler.keeps(x, constraints)).isPresent())
                .sorted(java.util.Comparator.comparingInt((NodeEngine n) -> n.pools.idleCount(pool)).reversed())
                .toList();
        for (NodeEngine n : free) {
            Optional<Result> r = n.runs.reconcileWarm(key, run);
            if (r.isPresent()) {
                return r;
            }
        }
        nodes.all().stream().filter(NodeEngine::usable).forEach(n -> n.pools.missed(pool));
        refill.accept(pool);
        return Optional.empty();
    }

    /**
     * A run in a node's warm container: driven by that node's reconciler while its engine answers. While it does
     * not, the run waits, and ends at its deadline or when cancelled as any run (its container, unclaimed then, is
     * removed by the node's pool once the engine answers); a node Swarm has down, or no longer has, ends it
     * {@code Failed}, never run again. A finished run whose node cannot be reached only expires.
     */
    private Result onNode(ObjectKey key, SpecObject run, RunStatus status, String node, Instant now) {
        Optional<NodeEngine> engine = nodes.get(node);
        if (engine.isPresent() && engine.get().usable()) {
            return engine.get().runs.reconcile(key, run);
        }
        if (status.finished()) {
            return expireOrWait(run, status, ResourceNames.container(key), now);
        }
        if (engine.isEmpty()) {
            return finish(run, RunStatusBuilder.of(run), RunPhase.FAILED, "it ran in a warm container on node " + node
                    + ", whose engine is not in corral.engine.node-engines any more: its result cannot be collected",
                    status.startedAt(), now);
        }
        NodeEngine n = engine.get();
        Optional<ObservedNode> seen = watcher.node(node);
        boolean lost = seen.map(x -> "down".equals(x.state())).orElse(!watcher.nodes().isEmpty());
        long timeout = status.timeoutSeconds() == null ? config.defaultTimeoutSeconds() : status.timeoutSeconds();
        Instant deadline = (status.startedAt() == null ? now : status.startedAt()).plusSeconds(timeout);
        boolean cancel = run.metadata().annotations() != null
                && "true".equals(run.metadata().annotations().get(ToolRunSpec.CANCEL_ANNOTATION));
        RunPhase end = lost ? RunPhase.FAILED : !now.isBefore(deadline) ? RunPhase.TIMED_OUT
                : cancel ? RunPhase.CANCELLED : null;
        if (end == null) {
            return Result.requeueAfter(POLL); // until its engine answers, or Swarm says the node is down
        }
        // Let go of its container: the node's pool removes it once its engine answers.
        n.pools.claimedBy(key).forEach(n.pools::forget);
        n.slots.release(key);
        String why = switch (end) {
            case FAILED -> seen.isPresent() ? "node " + node + " was lost while the run was on it (down): not run again"
                    : "node " + node + " left the Swarm while the run was on it: not run again";
            case TIMED_OUT -> "its timeout of " + timeout + " s is up, and node " + node
                    + "'s engine does not answer: its container is removed once it does";
            default -> "cancelled; node " + node + "'s engine does not answer: its container is removed once it does";
        };
        return finish(run, RunStatusBuilder.of(run), end, why, status.startedAt(), now);
    }

    /**
     * Records the start, unless recorded before (so that no second service is ever made for it: a service of the
     * run's name is then its own), then makes its service.
     */
    private Result launch(SpecObject run, String name, Instant now) {
        RunContainers.RunSetup setup;
        try {
            setup = jobs.setup(run);
        } catch (IllegalArgumentException | ImageUnavailableException e) {
            return finish(run, RunStatusBuilder.of(run), RunPhase.FAILED, e.getMessage(), null, now);
        }
        String refusal = ServiceSpecs.refusal(setup.request().confinement());
        if (refusal != null) {
            return finish(run, RunStatusBuilder.of(run), RunPhase.FAILED, refusal + " for a Swarm job "
                    + "(corral.engine.runs=swarm): not run", null, now);
        }
        if (RunStatus.of(run.status()).startedAt() == null) {
            var status = RunStatusBuilder.of(run).running(now, setup.timeout(), setup.ttl()).build();
            status.put("service", name).put("message", "a Swarm job: waiting for Swarm to place and start it");
            if (setup.request().network() == null) {
                status.put("network", name);
            }
            Optional<SpecObject> started = store.updateStatus(run.key(), status);
            if (started.isEmpty()) {
                return Result.DONE; // deleted meanwhile
            }
            run = started.get();
        }
        String id;
        try {
            id = jobs.make(name, setup.request(), jobs.constraints(run), setup.request().labels());
        } catch (NameConflictException e) {
            return Result.requeueAfter(Duration.ZERO); // made by an earlier try: looked at, and adopted if its own
        } catch (EngineException e) {
            if (e.status() < 400 || e.status() >= 500) {
                throw e; // the manager not answering, or failing: tried again
            }
            return end(run, name, RunStatusBuilder.of(run), RunPhase.FAILED, "the Swarm manager refused its job: "
                    + e.getMessage(), null, now);
        }
        store.updateStatus(run.key(), RunStatusBuilder.of(run).build().put("serviceId", id));
        events.normal(run.key(), run.metadata().uid(), "Created", "created Swarm job " + name);
        return Result.requeueAfter(POLL);
    }

    /** What its one task does: still to run, running (on a live node), or ended. */
    private Result follow(SpecObject run, String name, RunStatus status, ObservedService service, Instant deadline,
                          Instant now) {
        List<ObservedTask> tasks = swarm.tasks(service.id());
        ObservedTask task = tasks.isEmpty() ? null : tasks.get(tasks.size() - 1); // the first, oldest
        if (tasks.size() > 1) {
            return end(run, name, RunStatusBuilder.of(run), RunPhase.FAILED, "Swarm started it a second time (task "
                    + tasks.get(0).id() + " after " + task.id() + "): stopped, a run is never run twice",
                    status.startedAt(), now);
        }
        if (task != null && task.ended()) {
            return collect(run, name, status, service, task, now);
        }
        ObservedNode node = task == null || task.nodeId() == null ? null : watcher.nodes().get(task.nodeId());
        if (node != null && "down".equals(node.state())) {
            return end(run, name, RunStatusBuilder.of(run), RunPhase.FAILED, "node " + node.hostname()
                    + " was lost while the run was on it (down): not run again", status.startedAt(), now);
        }
        jobs.noteTask(run, task, node);
        Duration left = Duration.between(now, deadline);
        return Result.requeueAfter(left.compareTo(POLL) < 0 ? left : POLL);
    }

    private Result collect(SpecObject run, String name, RunStatus status, ObservedService service, ObservedTask task,
                           Instant now) {
        if (task.exitCode() == null || !List.of("complete", "failed").contains(task.state())) {
            return end(run, name, RunStatusBuilder.of(run), RunPhase.FAILED, "its Swarm task ended " + task.state()
                    + (task.message() == null ? "" : ": " + task.message()) + " (not run again)", status.startedAt(), now);
        }
        // Read through the manager from the task's node: a failure is tried again, until the run's deadline.
        Logs logs = swarm.serviceLogs(service.id(), config.outputCapBytes());
        logs = new Logs(Launcher.withoutEndMark(logs.stdout()), logs.stdoutTruncated(), logs.stderr(),
                logs.stderrTruncated());
        Launcher.Report report = Launcher.report(logs.stderr());
        long exit = task.exitCode();
        boolean oom = report.oomKills() != null && report.oomKills() > 0;
        RunEnding ending = RunEnding.of(status, oom, exit);
        ObservedNode node = task.nodeId() == null ? null : watcher.nodes().get(task.nodeId());
        RunStatusBuilder sb = RunStatusBuilder.of(run).where("taskId", task.id())
                .where("node", node == null ? null : node.hostname()).where("nodeId", task.nodeId())
                .collected(exit, status.startedAt(), logs, report.stderr(),
                Launcher.resources(report.cpuNanos(), report.memoryPeakBytes()), null, RunFiles.lastLineJson(logs.stdout()));
        String message = ending.message();
        if (report.outputEntries() != null && report.outputEntries() > 0) {
            message = (message == null ? "" : message + "; ") + report.outputEntries()
                    + " output files not collected (a Swarm job's files stay on its node)";
        }
        if (ToolRunSpec.of(run.spec()).keepContainer()) {
            return finish(run, sb, ending.phase(), message, status.startedAt(), now); // kept until the run expires
        }
        return end(run, name, sb, ending.phase(), message, status.startedAt(), now);
    }

    /** Finishes the run, then removes its job: a Corral stopping in between leaves a job, not a wrong phase. */
    private Result end(SpecObject run, String name, RunStatusBuilder status, RunPhase phase, String message,
                       Instant started, Instant now) {
        Result r = finish(run, status, phase, message, started, now);
        jobs.remove(name);
        return r;
    }

    private Result finish(SpecObject run, RunStatusBuilder status, RunPhase phase, String message, Instant started,
                          Instant now) {
        status.finished(phase, message, started, now, ToolRunSpec.of(run.spec()).ttlSeconds(null));
        store.updateStatus(run.key(), status.build());
        if (phase == RunPhase.SUCCEEDED || phase == RunPhase.CANCELLED) {
            events.normal(run.key(), run.metadata().uid(), phase.json(), message == null ? "the run "
                    + phase.json().toLowerCase(java.util.Locale.ROOT) : message);
        } else {
            events.warning(run.key(), run.metadata().uid(), phase.json(), message);
        }
        return Result.requeueAfter(run.status() != null && run.status().has("network") ? NETWORK_RETRY
                : Duration.ofSeconds(status.typed().ttlSecondsAfterFinished()));
    }

    /** A finished run: its own network goes once Swarm lets go of it; the run itself when its TTL is up. */
    private Result expireOrWait(SpecObject run, RunStatus status, String name, Instant now) {
        var recorded = run.status();
        if (recorded.has("network") && !recorded.path("networkRemoved").asBoolean(false)
                && !ToolRunSpec.of(run.spec()).keepContainer()) {
            if (!jobs.removeNetwork(name)) {
                return Result.requeueAfter(NETWORK_RETRY);
            }
            store.updateStatus(run.key(), recorded.deepCopy().put("networkRemoved", true));
        }
        Long ttl = status.ttlSecondsAfterFinished();
        Instant expires = status.finishedAt().plusSeconds(ttl != null ? ttl : ToolRunSpec.DEFAULT_TTL_SECONDS);
        if (now.isBefore(expires)) {
            return Result.requeueAfter(Duration.between(now, expires));
        }
        try {
            store.delete(run.key(), null, run.metadata().source()); // then looked at as gone: its job goes
        } catch (NotFoundException ignored) {
            // gone already
        }
        return Result.DONE;
    }
}
