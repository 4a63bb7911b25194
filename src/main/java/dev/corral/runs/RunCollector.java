package dev.corral.runs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.config.CorralConfig;
import dev.corral.events.EventType;
import dev.corral.loop.ObservedState;
import dev.corral.loop.Result;
import dev.corral.runtime.ContainerDetails;
import dev.corral.runtime.ContainerRuntime;
import dev.corral.runtime.EmptyArchiveException;
import dev.corral.runtime.EngineException;
import dev.corral.runtime.Logs;
import dev.corral.runtime.ObservedContainer;
import dev.corral.runtime.StreamedOutput;
import dev.corral.spec.SpecObject;
import dev.corral.spec.model.ToolRunSpec;
import dev.corral.spec.model.RunPhase;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Collects an ended run: its output (streamed while attached, else the logs), the launcher's
 * report, its exit, its output files; records it finished, then removes its container.
 */
final class RunCollector {

    /** The engine cuts a log's tail before it picks the stream: enough lines that stderr's last one is among them. */
    private static final int TAIL_LINES = 100;

    private final ContainerRuntime runtime;
    private final ObservedState observed;
    private final AttachedOutputs streams;
    private final RunLifecycle life;
    private final WarmHandOver warm;
    private final CorralConfig.Runs config;
    private final Path dataDir;

    RunCollector(ContainerRuntime runtime, ObservedState observed, AttachedOutputs streams, RunLifecycle life,
                 WarmHandOver warm, CorralConfig.Runs config, Path dataDir) {
        this.runtime = runtime;
        this.observed = observed;
        this.streams = streams;
        this.life = life;
        this.warm = warm;
        this.config = config;
        this.dataDir = dataDir;
    }

    Result collect(SpecObject run, RunStatusBuilder status, ObservedContainer c, Instant now) {
        RunStatus st = status.typed();
        life.mark(run.key(), RunTimings.Mark.REPORTED); // a warm run's report came earlier: the first mark counts
        StreamedOutput attached = streams.ended(c.id());
        if (attached != null && !AttachedOutputs.reported(attached)) {
            // Ended without the launcher's report (a dropped connection): not the whole output; the logs are.
            attached = null;
        }
        Logs logs;
        try {
            logs = attached != null ? attached.logs() : runtime.logs(c.id(), config.outputCapBytes());
        } catch (EngineException e) {
            if (e.status() != 404) {
                throw e;
            }
            return vanished(run, c);
        }
        logs = new Logs(Launcher.withoutEndMark(logs.stdout()), logs.stdoutTruncated(), logs.stderr(),
                logs.stderrTruncated());
        Launcher.Report report = report(logs, attached, c.id());
        // Streamed to the launcher's report: the run is over, though its container may still be exiting.
        boolean reportedLive = attached != null && report.complete() && st.startedAt() != null;
        // Its report says how it ended, and its start is in its status: no inspect on its hot path (an inspect
        // of a container the engine is still tearing down waits for it: ~30 ms here).
        ContainerDetails d = null;
        if (!(st.pooled() && report.complete()) && !reportedLive) {
            d = runtime.inspectContainer(c.id()).orElse(null);
            if (d == null) {
                return vanished(run, c);
            }
            if (d.running() && st.pooled() && report.present()) {
                // A warm launcher waits to be removed once it has reported: its report says how the run ended.
                d = null;
            } else if (d.running()) {
                // The picture was wrong (a stream that ended early): it still runs.
                observed.setState(c.id(), "running");
                return Result.requeueAfter(Duration.ZERO);
            }
            if (d != null && st.pooled() && !report.present() && d.finishedAt() != null && st.startedAt() != null
                    && d.finishedAt().isBefore(st.startedAt())) {
                // The warm container had died before it was given the run (the engine takes stdin even then):
                // the run never started, and is tried again.
                return warm.retryElsewhere(run, status, c.id(),
                        "its warm container had stopped before the run was given to it");
            }
        }
        boolean exited = d != null && !d.running();
        Long exitCode = exited ? d.exitCode() : Long.valueOf(report.exitCode());
        // The engine's word, or the cgroup's as the launcher read it: Podman (4.3, cgroup v1) does not say
        // OOMKilled when the kernel killed only the run's process, not the container's first one.
        boolean oomKilled = d != null && d.oomKilled() || report.oomKills() != null && report.oomKills() > 0;
        RunFiles.Output out = outputFiles(run, c, report);
        RunEnding ending = RunEnding.of(st, oomKilled, exitCode);
        // A warm container started long before its run: the run started when it was given it.
        Instant started = (st.pooled() || reportedLive) && st.startedAt() != null ? st.startedAt()
                : d != null && d.startedAt() != null ? d.startedAt() : now;
        Instant finished = exited && d.finishedAt() != null ? d.finishedAt() : now;
        JsonNode result = out != null && out.result() != null ? out.result() : RunFiles.lastLineJson(logs.stdout());
        status.collected(exitCode, started, logs, report.stderr(),
                Launcher.resources(report.cpuNanos(), report.memoryPeakBytes()), out, result);
        // Recorded before the removal: a client waiting on the result need not wait for it.
        Result r = life.finish(run, status, ending.phase(), ending.message(), started, finished, now);
        if (!ToolRunSpec.of(run.spec()).keepContainer()) {
            // A kept one goes with its run (RunPlanner); this one now, or once no run is in flight.
            Duration held = life.discard(run.key(), finished, now, List.of(c.id()));
            if (held != null) {
                return Result.requeueAfter(held);
            }
        } else {
            streams.stop(c.id()); // its output is in the status: the attachment's copy is not kept with it
        }
        return r;
    }

    /** The launcher's report; when stderr was cut at its cap, read from its last line alone. */
    private Launcher.Report report(Logs logs, StreamedOutput attached, String id) {
        Launcher.Report report = Launcher.report(logs.stderr());
        if (!logs.stderrTruncated()) {
            return report;
        }
        Launcher.Report tail = Launcher.report(Launcher.lastLine(attached != null ? attached.stderrTail()
                : runtime.stderrTail(id, TAIL_LINES)));
        return new Launcher.Report(logs.stderr(), tail.exitCode(), tail.cpuNanos(), tail.memoryPeakBytes(),
                tail.oomKills(), tail.outputEntries());
    }

    /** What the run left in output/; the launcher counted it, and when it says nothing the download is skipped. */
    private RunFiles.Output outputFiles(SpecObject run, ObservedContainer c, Launcher.Report report) {
        boolean outputLeft = !report.present() || report.outputEntries() == null || report.outputEntries() > 0;
        if (!outputLeft) {
            return null;
        }
        Path saveDir = RunFiles.dir(dataDir, run.metadata().uid());
        try {
            return runtime.copyOut(c.id(), "/workspace/output", config.filesCapBytes() + 1024 * 1024)
                    .map(tar -> RunFiles.read(tar, saveDir, config.filesCapBytes())).orElse(null);
        } catch (EmptyArchiveException e) {
            // Asked again already (DockerContainers.copyOut): the run ends with what else it gave, and says so,
            // rather than wait forever, holding its slot, on an engine that will not send its files.
            life.event(run, EventType.Warning, "OutputFilesLost", "its output files could not be copied: " + e.getMessage());
            return null;
        }
    }

    private Result vanished(SpecObject run, ObservedContainer c) {
        observed.removeContainer(c.id());
        life.wake(run.key());
        return Result.DONE;
    }
}
