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
import dev.corral.spec.model.Placement;
import dev.corral.spec.model.RunPhase;
import dev.corral.spec.model.ToolRunSpec;
import dev.corral.spec.model.ToolSpec;
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
 * removed behind Corral's back, ends {@code Failed} with the reason, and is not run again. No warm pools and
 * no output files: both need Corral at the container's own engine.
 */
public final class SwarmRunReconciler implements KindReconciler {

    /** How often a running job is looked at, besides the watcher's wake-ups. */
    static final Duration POLL = Duration.ofSeconds(1);

    private final ServiceRuntime swarm;
    private final ContainerRuntime manager;
    private final SpecStore store;
    private final SwarmWatcher watcher;
    private final EventRecorder events;
    private final CorralConfig.Runs config;
    private final Clock clock;

    /** @param manager the manager's own engine: a run's image is read there (its ENTRYPOINT and CMD) */
    public SwarmRunReconciler(ServiceRuntime swarm, ContainerRuntime manager, SpecStore store, SwarmWatcher watcher,
                              EventRecorder events, CorralConfig.Runs config, Clock clock) {
        this.swarm = swarm;
        this.manager = manager;
        this.store = store;
        this.watcher = watcher;
        this.events = events;
        this.config = config;
        this.clock = clock;
    }

    @Override
    public Set<Kind> kinds() {
        return Set.of(Kind.ToolRun);
    }

    @Override
    public Readiness.Outcome readiness(SpecObject run) {
        return RunReconciler.readinessOf(run);
    }

    @Override
    public Result reconcile(ObjectKey key, SpecObject run) {
        watcher.start();
        String name = ResourceNames.container(key);
        if (run == null) {
            swarm.removeService(name); // a run deleted, or expired: its job goes (a missing one is left as it is)
            return Result.DONE;
        }
        RunStatus status = RunStatus.of(run.status());
        Instant now = clock.instant();
        if (status.finished()) {
            return expireOrWait(run, status, now);
        }
        boolean cancel = run.metadata().annotations() != null
                && "true".equals(run.metadata().annotations().get(ToolRunSpec.CANCEL_ANNOTATION));
        String serviceId = run.status() == null ? null : run.status().path("serviceId").asText(null);
        if (status.startedAt() == null) {
            if (cancel) {
                return finish(run, RunStatusBuilder.of(run), RunPhase.CANCELLED, "cancelled before it started", null, now);
            }
            return launch(run, name, now);
        }
        Optional<ObservedService> service = swarm.inspectService(name);
        if (service.isEmpty()) {
            if (serviceId == null) {
                return launch(run, name, now); // recorded as starting, not made yet (Corral stopped in between)
            }
            return finish(run, RunStatusBuilder.of(run), RunPhase.FAILED,
                    "its Swarm service was removed while it ran (not run again)", status.startedAt(), now);
        }
        if (serviceId == null) {
            // Created, and Corral stopped before it recorded so: the run's own service, adopted.
            if (!run.metadata().uid().equals(service.get().label(Labels.UID))) {
                return finish(run, RunStatusBuilder.of(run), RunPhase.FAILED, "the service name " + name
                        + " is taken by a service that is not this run's", null, now);
            }
            store.updateStatus(run.key(), RunStatusBuilder.of(run).build().put("serviceId", service.get().id()));
            return Result.requeueAfter(Duration.ZERO);
        }
        return follow(run, status, service.get(), cancel, now);
    }

    /**
     * Records the start, unless recorded before (so that no second service is ever made for it: a service of the
     * run's name is then its own), then makes its service.
     */
    private Result launch(SpecObject run, String name, Instant now) {
        RunContainers.RunSetup setup;
        try {
            setup = setup(run);
        } catch (IllegalArgumentException | ImageUnavailableException e) {
            return finish(run, RunStatusBuilder.of(run), RunPhase.FAILED, e.getMessage(), null, now);
        }
        if (RunStatus.of(run.status()).startedAt() == null) {
            var status = RunStatusBuilder.of(run).running(now, setup.timeout(), setup.ttl()).build();
            status.put("service", name).put("message", "a Swarm job: waiting for Swarm to place and start it");
            Optional<SpecObject> started = store.updateStatus(run.key(), status);
            if (started.isEmpty()) {
                return Result.DONE; // deleted meanwhile
            }
            run = started.get();
        }
        String id;
        try {
            id = swarm.createService(ServiceSpecs.job(setup.request(), constraints(run)));
        } catch (NameConflictException e) {
            return Result.requeueAfter(Duration.ZERO); // made by an earlier try: looked at, and adopted if its own
        }
        store.updateStatus(run.key(), RunStatusBuilder.of(run).build().put("serviceId", id));
        events.normal(run.key(), run.metadata().uid(), "Created", "created Swarm job " + name);
        return Result.requeueAfter(POLL);
    }

    /** What its one task does: still to run, running (within its time, on a live node), or ended. */
    private Result follow(SpecObject run, RunStatus status, ObservedService service, boolean cancel, Instant now) {
        List<ObservedTask> tasks = swarm.tasks(service.id());
        ObservedTask task = tasks.isEmpty() ? null : tasks.get(tasks.size() - 1); // the first, oldest
        if (tasks.size() > 1) {
            swarm.removeService(service.id());
            return finish(run, RunStatusBuilder.of(run), RunPhase.FAILED, "Swarm started it a second time (task "
                    + tasks.get(0).id() + " after " + task.id() + "): stopped, a run is never run twice",
                    status.startedAt(), now);
        }
        if (cancel) {
            swarm.removeService(service.id());
            return finish(run, RunStatusBuilder.of(run), RunPhase.CANCELLED, "cancelled", status.startedAt(), now);
        }
        if (task != null && task.ended()) {
            return collect(run, status, service, task, now);
        }
        long timeout = status.timeoutSeconds() == null ? config.defaultTimeoutSeconds() : status.timeoutSeconds();
        Instant deadline = status.startedAt().plusSeconds(timeout);
        if (!now.isBefore(deadline)) {
            swarm.removeService(service.id());
            return finish(run, RunStatusBuilder.of(run), RunPhase.TIMED_OUT, "killed at its timeout of " + timeout
                    + " s", status.startedAt(), now);
        }
        ObservedNode node = task == null || task.nodeId() == null ? null : watcher.nodes().get(task.nodeId());
        if (node != null && !node.ready()) {
            swarm.removeService(service.id());
            return finish(run, RunStatusBuilder.of(run), RunPhase.FAILED, "node " + node.hostname() + " was lost while the run "
                    + "was on it (" + node.state() + "): not run again", status.startedAt(), now);
        }
        noteTask(run, task, node);
        Duration left = Duration.between(now, deadline);
        return Result.requeueAfter(left.compareTo(POLL) < 0 ? left : POLL);
    }

    /** Where it runs, once known: the node and the task, and in what state Swarm has it. */
    private void noteTask(SpecObject run, ObservedTask task, ObservedNode node) {
        if (task == null || run.status() == null) {
            return;
        }
        String message = "a Swarm job, " + task.state() + (node == null ? "" : " on " + node.hostname());
        var current = run.status();
        if (task.id().equals(current.path("taskId").asText(null)) && message.equals(current.path("message").asText(null))) {
            return;
        }
        var status = RunStatusBuilder.of(run).build().put("taskId", task.id()).put("message", message);
        if (node != null) {
            status.put("node", node.hostname()).put("nodeId", node.id());
        }
        store.updateStatus(run.key(), status);
    }

    private Result collect(SpecObject run, RunStatus status, ObservedService service, ObservedTask task, Instant now) {
        if (task.exitCode() == null || !List.of("complete", "failed").contains(task.state())) {
            swarm.removeService(service.id());
            return finish(run, RunStatusBuilder.of(run), RunPhase.FAILED, "its Swarm task ended " + task.state()
                    + (task.message() == null ? "" : ": " + task.message()) + " (not run again)", status.startedAt(), now);
        }
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
        if (!ToolRunSpec.of(run.spec()).keepContainer()) {
            swarm.removeService(service.id());
        }
        String message = ending.message();
        if (report.outputEntries() != null && report.outputEntries() > 0) {
            message = (message == null ? "" : message + "; ") + report.outputEntries()
                    + " output files not collected (a Swarm job's files stay on its node)";
        }
        return finish(run, sb, ending.phase(), message, status.startedAt(), now);
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
        return Result.requeueAfter(Duration.ofSeconds(status.typed().ttlSecondsAfterFinished()));
    }

    private Result expireOrWait(SpecObject run, RunStatus status, Instant now) {
        Long ttl = status.ttlSecondsAfterFinished();
        Instant expires = status.finishedAt().plusSeconds(ttl != null ? ttl : ToolRunSpec.DEFAULT_TTL_SECONDS);
        if (now.isBefore(expires)) {
            return Result.requeueAfter(Duration.between(now, expires));
        }
        try {
            store.delete(run.key(), null, run.metadata().source()); // then looked at as gone: its service goes
        } catch (NotFoundException ignored) {
            // gone already
        }
        return Result.DONE;
    }

    /** Its Tool's {@code placement} constraints (none for a language run). */
    private List<String> constraints(SpecObject run) {
        ToolRunSpec spec = ToolRunSpec.of(run.spec());
        if (spec.languageRun()) {
            return List.of();
        }
        return store.get(RunContainers.toolKey(spec)).map(t -> Placement.of(t.spec().get("placement")).constraints())
                .orElse(List.of());
    }

    /** The run's job, from its spec, its Tool and its image (read on the manager's engine). */
    private RunContainers.RunSetup setup(SpecObject run) {
        ToolRunSpec spec = ToolRunSpec.of(run.spec());
        ToolSpec tool = RunContainers.toolOf(spec, store::get);
        String image = RunContainers.image(tool, spec.languageRun() ? Runner.of(spec.language()) : null, config);
        return RunContainers.job(run, spec, tool, manager.ensureImage(image, RunContainers.pullPolicy(tool)), config);
    }
}
