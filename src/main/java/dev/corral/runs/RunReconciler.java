package dev.corral.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.config.CorralConfig;
import dev.corral.loop.KindReconciler;
import dev.corral.loop.ObservedState;
import dev.corral.loop.Readiness;
import dev.corral.loop.ReconcileException;
import dev.corral.loop.Result;
import dev.corral.runtime.ContainerDetails;
import dev.corral.runtime.ContainerRuntime;
import dev.corral.runtime.ExecResult;
import dev.corral.runtime.ImageDefaults;
import dev.corral.runtime.ImageUnavailableException;
import dev.corral.runtime.Logs;
import dev.corral.runtime.NameConflictException;
import dev.corral.runtime.ObservedContainer;
import dev.corral.runtime.StreamedOutput;
import dev.corral.spec.Json;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.RunPhases;
import dev.corral.spec.SpecObject;
import dev.corral.store.NotFoundException;
import dev.corral.store.SpecStore;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Drives one ToolRun: create its locked-down container once (a deterministic name makes a
 * second create a 409, so no run ever starts twice, even across a crash), copy the inputs in,
 * start it, enforce its deadline, collect its output and result, remove the container, and
 * finally collect the record after {@code ttlSecondsAfterFinished}.
 */
public final class RunReconciler implements KindReconciler {

    private static final Logger LOG = Logger.getLogger(RunReconciler.class);
    private static final Duration SLOT_WAIT = Duration.ofSeconds(1);
    private static final Duration GIVE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration STREAM_END_WAIT = Duration.ofSeconds(2);
    private static final Duration REFILL_DELAY = Duration.ofMillis(250);
    /** The engine cuts a log's tail before it picks the stream: enough lines that stderr's last one is among them. */
    private static final int TAIL_LINES = 100;

    private final SpecStore store;
    private final ContainerRuntime runtime;
    private final ObservedState observed;
    private final RunSlots slots;
    private final CorralConfig.Runs config;
    private final Path dataDir;
    private final Clock clock;
    private final Consumer<ObjectKey> enqueue;
    private final java.util.function.BiConsumer<ObjectKey, Duration> refill;
    private final WarmPools pools;
    /** Output of the warm runs this process gave their input to, by container id, until collected. */
    private final Map<String, CompletableFuture<StreamedOutput>> streamed = new ConcurrentHashMap<>();

    public RunReconciler(SpecStore store, ContainerRuntime runtime, ObservedState observed, RunSlots slots,
                         WarmPools pools, CorralConfig.Runs config, Path dataDir, Clock clock,
                         Consumer<ObjectKey> enqueue, java.util.function.BiConsumer<ObjectKey, Duration> refill) {
        this.refill = refill;
        this.pools = pools;
        this.store = store;
        this.runtime = runtime;
        this.observed = observed;
        this.slots = slots;
        this.config = config;
        this.dataDir = dataDir;
        this.clock = clock;
        this.enqueue = enqueue;
    }

    @Override
    public Set<Kind> kinds() {
        return Set.of(Kind.ToolRun);
    }

    @Override
    public Readiness.Outcome readiness(SpecObject run) {
        return readinessOf(run);
    }

    /** A run is done when it has finished: Succeeded is Ready, any other end is Failed. */
    public static Readiness.Outcome readinessOf(SpecObject run) {
        String phase = run.status() == null ? "" : run.status().path("phase").asText("");
        if (!RunPhases.finished(phase)) {
            return Readiness.Outcome.Waiting;
        }
        return RunPhases.SUCCEEDED.equals(phase) ? Readiness.Outcome.Ready : Readiness.Outcome.Failed;
    }

    /** A claimed warm container keeps its pool's labels: its events concern the run that claimed it. */
    @Override
    public ObjectKey claimant(String containerId) {
        return pools.claimant(containerId);
    }

    /** Warm containers given to runs before a restart stay theirs (the runs' status names them). */
    public void recoverClaims() {
        for (SpecObject run : store.list(dev.corral.store.Query.ofKind(Kind.ToolRun))) {
            var st = run.status();
            if (st != null && st.path("pooled").asBoolean(false) && st.hasNonNull("containerId")
                    && !RunPhases.finished(st.path("phase").asText(null))) {
                pools.recover(st.get("containerId").asText(), run.key());
            }
        }
    }

    @Override
    public Result reconcile(ObjectKey key, SpecObject run) {
        List<ObservedContainer> owned = new java.util.ArrayList<>(observed.containersOf(key));
        // A warm container keeps its pool's labels: the run's status (and the claim) name it.
        for (String id : pools.claimedBy(key)) {
            observed.container(id).filter(c -> !owned.contains(c)).ifPresent(owned::add);
        }
        if (run == null) {
            owned.forEach(this::remove);
            pools.claimedBy(key).forEach(this::removeId);
            release(key);
            return Result.DONE;
        }
        ObjectNode status = run.status() == null ? Json.MAPPER.createObjectNode() : run.status().deepCopy();
        if (status.path("pooled").asBoolean(false) && status.hasNonNull("containerId")) {
            String id = status.get("containerId").asText();
            observed.container(id).filter(c -> !owned.contains(c)).ifPresent(owned::add);
        }
        String phase = status.path("phase").asText(null);
        Instant now = clock.instant();
        if (RunPhases.finished(phase)) {
            owned.forEach(this::remove);
            release(key);
            Instant expires = Instant.parse(status.get("finishedAt").asText())
                    .plusSeconds(status.path("ttlSecondsAfterFinished").asLong(3600));
            if (!now.isBefore(expires)) {
                try {
                    store.delete(key, null, run.metadata().source());
                } catch (NotFoundException ignored) {
                    // gone already
                }
                RunFiles.delete(dataDir, run.metadata().uid());
                return Result.DONE;
            }
            return Result.requeueAfter(Duration.between(now, expires));
        }
        boolean cancel = "true".equals(run.metadata().annotations() == null ? null
                : run.metadata().annotations().get(RunPhases.CANCEL_ANNOTATION));
        ObservedContainer c = owned.isEmpty() ? null : owned.get(0);

        if (c == null) {
            if (RunPhases.RUNNING.equals(phase)) {
                // It ran, and its container is gone: never start a run twice.
                return finish(run, status, RunPhases.FAILED, "its container disappeared before its result was collected",
                        null, null, now);
            }
            if (cancel) {
                return finish(run, status, RunPhases.CANCELLED, "cancelled before it started", null, null, now);
            }
            return start(key, run, status, now);
        }
        slots.occupy(key);
        if (c.running() || "created".equals(c.state())) {
            if ("created".equals(c.state())) {
                if (!RunPhases.RUNNING.equals(phase)) {
                    // Created, but its inputs may not all be in (a failure or a crash before "Running" was
                    // recorded): it never ran, so it is thrown away and the run starts afresh.
                    remove(c);
                    return Result.requeueAfter(Duration.ZERO);
                }
                // Recorded as Running and seen as created: either Corral stopped between recording and starting,
                // or the picture is stale and it has run already. Only the engine knows: never start it twice.
                ContainerDetails d = runtime.inspectContainer(c.id()).orElse(null);
                if (d == null || d.startedAt() != null) {
                    observed.setState(c.id(), d == null ? "removing" : d.running() ? "running" : "exited");
                    if (d == null) {
                        observed.removeContainer(c.id());
                    }
                    return Result.requeueAfter(Duration.ZERO);
                }
                runtime.startContainer(c.id());
                observed.setState(c.id(), "running");
                status.put("containerId", c.id());
                write(run, status);
            }
            Instant started = status.hasNonNull("startedAt") ? Instant.parse(status.get("startedAt").asText()) : now;
            Instant deadline = started.plusSeconds(status.path("timeoutSeconds").asLong(config.defaultTimeoutSeconds()));
            String kill = cancel ? RunPhases.CANCELLED : !now.isBefore(deadline) ? RunPhases.TIMED_OUT : null;
            if (kill != null) {
                // A killed run cannot report: its cgroup is read now (best effort: a fork bomb leaves no pid for it).
                if (c.running()) {
                    probeResources(c.id(), status);
                }
                // Say why first: if Corral stops right after the kill, the collector still knows.
                status.put("terminating", kill);
                write(run, status);
                runtime.killContainer(c.id());
                observed.setState(c.id(), "exited");
                return Result.requeueAfter(Duration.ZERO);
            }
            if (c.running() && status.path("pooled").asBoolean(false) && !pools.fed(c.id())) {
                Result r = refeed(key, run, status, c, now);
                if (r != null) {
                    return r;
                }
            }
            return Result.requeueAfter(Duration.between(now, deadline));
        }
        return collect(run, status, c, now);
    }

    private Result start(ObjectKey key, SpecObject run, ObjectNode status, Instant now) {
        if (!slots.tryAcquire(key)) {
            if (!RunPhases.PENDING.equals(status.path("phase").asText())) {
                status.put("phase", RunPhases.PENDING).put("message", "waiting for a free run slot ("
                        + slots.max() + " running)").put("observedGeneration", generation(run));
                write(run, status);
            }
            return Result.requeueAfter(SLOT_WAIT);
        }
        RunContainers.RunPlan plan;
        try {
            plan = plan(run);
        } catch (IllegalArgumentException e) {
            return finish(run, status, RunPhases.FAILED, e.getMessage(), null, null, now);
        } catch (ImageUnavailableException e) {
            if (!e.mayPull()) {
                return finish(run, status, RunPhases.FAILED, e.getMessage(), null, null, now);
            }
            throw ReconcileException.retryable("ImagePullFailed", e.getMessage(), e);
        }
        // A NUL byte cannot travel through sh: such a run's inputs are uploaded, which only a cold start does.
        if (plan.shape().poolSize() > 0 && Launcher.textOnly(plan.files())) {
            var warm = pools.claim(plan.shape().pool(), plan.shape().hash(), key,
                    id -> observed.container(id).map(ObservedContainer::running).orElse(false));
            // A replacement is made in the background, whether or not one was found; after a short run has had
            // time to finish, so that it does not share the CPU with the engine making a container.
            refill.accept(plan.shape().pool(), warm.isPresent() ? REFILL_DELAY : Duration.ZERO);
            if (warm.isPresent()) {
                return startWarm(run, status, plan, warm.get(), now);
            }
        }
        String id;
        try {
            id = runtime.createContainer(plan.request());
        } catch (NameConflictException e) {
            // Ours from before a crash: the next look adopts it (its labels name this run).
            enqueue.accept(key);
            return Result.DONE;
        }
        observed.put(new ObservedContainer(id, plan.request().name(), plan.request().labels(), "created"));
        if (!plan.inlineFiles()) {
            runtime.copyIn(id, "/workspace", RunFiles.workspace(plan.files(), plan.shape().uid(), plan.shape().uid()));
        }
        status.removeAll();
        status.put("phase", RunPhases.RUNNING).put("observedGeneration", generation(run))
                .put("startedAt", now.toString()).put("timeoutSeconds", plan.timeout())
                .put("ttlSecondsAfterFinished", plan.ttl());
        // Recorded before the start: a crash after it finds "Running" and a container, and only collects.
        write(run, status);
        runtime.startContainer(id);
        observed.setState(id, "running");
        // The id goes in once it runs: a client following the logs attaches to a started container.
        status.put("containerId", id);
        write(run, status);
        return Result.requeueAfter(Duration.ofSeconds(plan.timeout()));
    }

    private RunContainers.RunPlan plan(SpecObject run) {
        SpecObject tool = run.spec().has("tool")
                ? store.get(ObjectKey.of(Kind.Tool, null, run.spec().get("tool").asText())).orElse(null) : null;
        if (run.spec().has("tool") && tool == null) {
            throw new IllegalArgumentException("Tool \"" + run.spec().get("tool").asText() + "\" does not exist");
        }
        Runner runner = tool == null ? Runner.of(run.spec().get("language").asText()) : null;
        String image = RunContainers.image(tool, runner, config);
        ImageDefaults defaults = runtime.ensureImage(image, RunContainers.pullPolicy(tool));
        return RunContainers.plan(run, tool, defaults, config);
    }

    /**
     * Gives a claimed warm container its run: recorded first (a crash after this finds "Running"
     * and that container, and asks it whether it took its run before giving it again), then its
     * files and environment written to the waiting launcher's stdin.
     */
    private Result startWarm(SpecObject run, ObjectNode status, RunContainers.RunPlan plan, String id, Instant now) {
        status.removeAll();
        status.put("phase", RunPhases.RUNNING).put("observedGeneration", generation(run))
                .put("startedAt", now.toString()).put("timeoutSeconds", plan.timeout())
                .put("ttlSecondsAfterFinished", plan.ttl()).put("containerId", id).put("pooled", true);
        try {
            write(run, status);
        } catch (RuntimeException e) {
            // Not recorded, so not given: the container goes (it would be nobody's), the run is tried again.
            removeId(id);
            throw e;
        }
        return give(run, status, plan, id, now);
    }

    private Result give(SpecObject run, ObjectNode status, RunContainers.RunPlan plan, String id, Instant now) {
        try {
            // Attached until it exits: its output arrives as it is written, so collecting needs no engine call.
            CompletableFuture<StreamedOutput> output = runtime.attach(id, plan.payload(), config.outputCapBytes(),
                    GIVE_TIMEOUT);
            streamed.put(id, output);
            output.whenComplete((o, t) -> {
                if (t == null && reported(o)) {
                    // The launcher reported, then exits: the run is over, and is collected now rather than
                    // when the engine's die event comes (~30 ms later, after the engine's own clean-up).
                    // A stream that ends without a report (a dropped connection) proves nothing.
                    observed.setState(id, "exited");
                }
                enqueue.accept(run.key());
            });
        } catch (dev.corral.runtime.EngineException e) {
            if (e.status() == 409 || e.status() == 404) {
                // It stopped before taking the run: the run never started, and is tried again.
                return retryElsewhere(run, status, id, "its warm container stopped before the run started");
            }
            throw e;
        }
        pools.markFed(id);
        return Result.requeueAfter(Duration.ofSeconds(plan.timeout()));
    }

    /** A warm container that never took the run goes, and the run starts again from Pending. */
    private Result retryElsewhere(SpecObject run, ObjectNode status, String id, String why) {
        LOG.infof("%s: %s; trying again", run.key(), why);
        removeId(id);
        status.removeAll();
        status.put("phase", RunPhases.PENDING).put("observedGeneration", generation(run))
                .put("message", why + "; trying again");
        write(run, status);
        return Result.requeueAfter(Duration.ZERO);
    }

    private Result failWarm(SpecObject run, ObjectNode status, String id, String message, Instant now) {
        removeId(id);
        return finish(run, status, RunPhases.FAILED, message, null, null, now);
    }

    /**
     * After a restart, whether a claimed warm container was given its run is not known: ask it
     * (the launcher leaves a mark once it reads its stdin), and give it the run only if it still waits.
     */
    private Result refeed(ObjectKey key, SpecObject run, ObjectNode status, ObservedContainer c, Instant now) {
        ExecResult started = runtime.exec(c.id(), Launcher.STARTED_PROBE, GIVE_TIMEOUT);
        if (started.exitCode() == null || started.exitCode() != 1) {
            // Started (0), or no clear answer: never risk giving it twice (a run that did not start times out).
            pools.markFed(c.id());
            return null;
        }
        RunContainers.RunPlan plan;
        try {
            plan = plan(run);
        } catch (IllegalArgumentException | ImageUnavailableException e) {
            return failWarm(run, status, c.id(), "could not be started after Corral restarted: " + e.getMessage(), now);
        }
        LOG.infof("%s: giving its warm container its run after a restart", key);
        return give(run, status, plan, c.id(), now);
    }

    private Result collect(SpecObject run, ObjectNode status, ObservedContainer c, Instant now) {
        boolean pooled = status.path("pooled").asBoolean(false);
        StreamedOutput attached = attachedOutput(c.id());
        if (attached != null && !reported(attached)) {
            // Ended without the launcher's report (a dropped connection): not the whole output; the logs are.
            attached = null;
        }
        Logs logs;
        try {
            logs = attached != null ? attached.logs() : runtime.logs(c.id(), config.outputCapBytes());
        } catch (dev.corral.runtime.EngineException e) {
            if (e.status() != 404) {
                throw e;
            }
            return vanished(run, c);
        }
        Launcher.Report report = Launcher.report(logs.stderr());
        if (logs.stderrTruncated()) {
            // The report is the last stderr line, beyond the cap: read just that line.
            Launcher.Report tail = Launcher.report(attached != null ? lastLine(attached.stderrTail())
                    : lastLine(runtime.stderrTail(c.id(), TAIL_LINES)));
            report = new Launcher.Report(logs.stderr(), tail.exitCode(), tail.cpuNanos(), tail.memoryPeakBytes(),
                    tail.oomKills(), tail.outputEntries());
        }
        // A warm run's report says how it ended, and its start is in its status: no inspect on its hot path.
        ContainerDetails d = null;
        if (!(pooled && report.complete())) {
            d = runtime.inspectContainer(c.id()).orElse(null);
            if (d == null) {
                return vanished(run, c);
            }
            if (d.running()) {
                // The picture was wrong (a stream that ended early): it still runs.
                observed.setState(c.id(), "running");
                return Result.requeueAfter(Duration.ZERO);
            }
            if (pooled && !report.present() && d.finishedAt() != null && status.hasNonNull("startedAt")
                    && d.finishedAt().isBefore(Instant.parse(status.get("startedAt").asText()))) {
                // The warm container had died before it was given the run (the engine takes stdin even then):
                // the run never started, and is tried again.
                return retryElsewhere(run, status, c.id(), "its warm container had stopped before the run was given to it");
            }
        }
        Long exitCode = d != null ? d.exitCode() : Long.valueOf(report.exitCode());
        boolean oomKilled = d != null ? d.oomKilled() : report.oomKills() > 0;
        Path saveDir = RunFiles.dir(dataDir, run.metadata().uid());
        // The launcher counted what the run left in output/: when nothing, the archive download is skipped.
        boolean outputLeft = !report.present() || report.outputEntries() == null || report.outputEntries() > 0;
        RunFiles.Output out = !outputLeft ? null
                : runtime.copyOut(c.id(), "/workspace/output", config.filesCapBytes() + 1024 * 1024)
                .map(tar -> RunFiles.read(tar, saveDir, config.filesCapBytes())).orElse(null);
        String terminating = status.path("terminating").asText(null);
        String phase;
        String message;
        if (terminating != null) {
            phase = terminating;
            message = RunPhases.TIMED_OUT.equals(terminating) ? "killed at its timeout of "
                    + status.path("timeoutSeconds").asLong() + " s" : "cancelled";
        } else if (oomKilled) {
            phase = RunPhases.OOM_KILLED;
            message = "killed for exceeding its memory limit";
        } else if (exitCode != null && exitCode == 0) {
            phase = RunPhases.SUCCEEDED;
            message = null;
        } else {
            phase = RunPhases.FAILED;
            message = "exited with code " + exitCode;
        }
        status.remove("terminating");
        if (exitCode != null) {
            status.put("exitCode", exitCode.intValue());
        }
        // A warm container started long before its run: the run started when it was given it.
        Instant started = pooled && status.hasNonNull("startedAt") ? Instant.parse(status.get("startedAt").asText())
                : d != null && d.startedAt() != null ? d.startedAt() : now;
        Instant finished = d != null && d.finishedAt() != null ? d.finishedAt() : now;
        status.put("startedAt", started.toString());
        status.put("stdout", logs.stdout()).put("stderr", report.stderr());
        ObjectNode res = Launcher.resources(report.cpuNanos(), report.memoryPeakBytes());
        if (res != null) {
            status.set("resources", res);
        }
        status.putObject("truncated").put("stdout", logs.stdoutTruncated()).put("stderr", logs.stderrTruncated())
                .put("files", out != null && out.filesTruncated());
        JsonNode result = out != null && out.result() != null ? out.result() : RunFiles.lastLineJson(logs.stdout());
        if (result != null) {
            status.set("result", result);
        }
        if (out != null) {
            status.set("files", out.files());
            if (out.variables() != null) {
                status.set("variables", out.variables());
            }
            if (out.condition() != null) {
                status.set("condition", out.condition().path("condition"));
            }
        }
        // Recorded before the removal: a client waiting on the result need not wait for it.
        Result r = finish(run, status, phase, message, started, finished, now);
        remove(c);
        return r;
    }

    /**
     * The output streamed while this process was attached to a warm run, once the stream has
     * ended (it ends with the exit: the die event and the stream's end come within moments of
     * each other); null after a restart or on any trouble, and the logs are read instead.
     */
    private StreamedOutput attachedOutput(String id) {
        CompletableFuture<StreamedOutput> f = streamed.get(id);
        if (f == null) {
            return null;
        }
        try {
            return f.get(STREAM_END_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
    }

    private static boolean reported(StreamedOutput o) {
        return Launcher.report(o.logs().stderrTruncated() ? lastLine(o.stderrTail()) : o.logs().stderr()).present();
    }

    private static String lastLine(String tail) {
        String t = tail.endsWith("\n") ? tail.substring(0, tail.length() - 1) : tail;
        return t.substring(t.lastIndexOf('\n') + 1);
    }

    private void probeResources(String id, ObjectNode status) {
        try {
            ExecResult r = runtime.exec(id, Launcher.RESOURCES_PROBE, PROBE_TIMEOUT);
            ObjectNode res = r.exitCode() != null && r.exitCode() == 0 ? Launcher.resources(r.output()) : null;
            if (res != null) {
                status.set("resources", res);
            }
        } catch (RuntimeException e) {
            LOG.debugf("no resources of %s before its kill: %s", id, e.getMessage());
        }
    }

    private Result vanished(SpecObject run, ObservedContainer c) {
        observed.removeContainer(c.id());
        enqueue.accept(run.key());
        return Result.DONE;
    }

    private Result finish(SpecObject run, ObjectNode status, String phase, String message, Instant started,
                          Instant finished, Instant now) {
        Instant end = finished != null ? finished : now;
        status.put("phase", phase).put("observedGeneration", generation(run)).put("finishedAt", end.toString());
        if (started != null) {
            status.put("durationMs", Math.max(0, Duration.between(started, end).toMillis()));
        }
        if (message != null) {
            status.put("message", message);
        } else {
            status.remove("message");
        }
        if (!status.has("ttlSecondsAfterFinished")) {
            status.put("ttlSecondsAfterFinished", run.spec().path("ttlSecondsAfterFinished").asLong(3600));
        }
        write(run, status);
        release(run.key());
        for (String id : pools.claimedBy(run.key())) {
            // Its container is removed next (or is gone): nothing of this run is kept in memory.
            stopStreaming(id);
            pools.forget(id);
        }
        LOG.debugf("%s finished: %s", run.key(), phase);
        return Result.requeueAfter(Duration.ofSeconds(status.get("ttlSecondsAfterFinished").asLong()));
    }

    private void release(ObjectKey key) {
        ObjectKey next = slots.release(key);
        if (next != null) {
            // A slot is free: wake the oldest waiting run rather than let it poll.
            enqueue.accept(next);
        }
    }

    private void remove(ObservedContainer c) {
        removeId(c.id());
    }

    /** Lets go of a warm run's attachment (closing it if it is still open). */
    private void stopStreaming(String id) {
        CompletableFuture<StreamedOutput> f = streamed.remove(id);
        if (f != null) {
            f.cancel(false);
        }
    }

    private void removeId(String id) {
        stopStreaming(id);
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

    private void write(SpecObject run, ObjectNode status) {
        store.updateStatus(run.key(), status.deepCopy());
    }

    private static long generation(SpecObject o) {
        return o.metadata().generation() == null ? 0 : o.metadata().generation();
    }
}
