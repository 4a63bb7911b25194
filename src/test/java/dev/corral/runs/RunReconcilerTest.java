package dev.corral.runs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.events.EventFilter;
import dev.corral.events.EventRecorder;
import dev.corral.loop.ObservedState;
import dev.corral.loop.Result;
import dev.corral.runtime.ContainerRequest;
import dev.corral.runtime.Logs;
import dev.corral.runtime.StreamedOutput;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.store.ApplyOptions;
import dev.corral.store.FileSpecStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The run reconciler against the fake engine: the exact engine calls each situation makes (reads
 * such as inspect and list left out), and what the run's status says after.
 */
class RunReconcilerTest {

    static final String BASH_RUN = "{\"language\": \"bash\", \"code\": \"echo hi\"}";
    static final String C = "corral-toolrun-r1";

    @TempDir
    Path dir;

    FileSpecStore store;
    final RunEngine engine = new RunEngine();
    final ObservedState observed = new ObservedState();
    final WarmPools pools = new WarmPools();
    final RunFixtures.TestClock clock = new RunFixtures.TestClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    final EventRecorder events = new EventRecorder(100, clock);
    final io.micrometer.core.instrument.simple.SimpleMeterRegistry meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    final RunTimings timings = new RunTimings(meters);
    final List<ObjectKey> woken = new ArrayList<>();
    final List<String> refills = new ArrayList<>();
    RunSlots slots;
    RunReconciler runs;

    @BeforeEach
    void open() {
        store = FileSpecStore.open(dir.resolve("store"), Clock.systemUTC(), Long.MAX_VALUE / 4);
        reconciler(0, 4);
    }

    @AfterEach
    void close() {
        store.close();
    }

    void reconciler(int bashPool, int maxConcurrent) {
        slots = new RunSlots(maxConcurrent);
        runs = new RunReconciler(store, engine, observed, slots, pools, RunFixtures.config(bashPool, maxConcurrent),
                dir, clock, woken::add, (pool, after) -> refills.add(pool.name() + " in " + after.toMillis() + " ms"),
                events, timings);
    }

    static ObjectKey key(String name) {
        return ObjectKey.of(Kind.ToolRun, null, name);
    }

    void apply(SpecObject o) {
        store.apply(List.of(o), ApplyOptions.api(false));
    }

    Result reconcile(String name) {
        return runs.reconcile(key(name), store.get(key(name)).orElse(null));
    }

    ObjectNode status(String name) {
        return store.get(key(name)).orElseThrow().status();
    }

    /** A bash run started cold in c1; the engine's calls forgotten. */
    void startedCold() {
        apply(RunFixtures.run("r1", BASH_RUN));
        reconcile("r1");
        engine.clearActions();
    }

    /** The container ended by itself; the engine's die event reached the picture. */
    void exited(String name, long code, Logs logs) {
        engine.exit(name, code);
        engine.output.put(name, logs);
        observed.setState(engine.container(name).orElseThrow().id, "exited");
    }

    @Test
    void aColdRunIsCreatedStartedAndRecordedRunning() {
        apply(RunFixtures.run("r1", BASH_RUN));
        Result r = reconcile("r1");
        assertEquals(List.of("ensure-image corral/runner-bash:latest", "create-container " + C, "start-container " + C),
                engine.writes(), "small text inputs travel in the environment: no upload");
        assertEquals(Result.requeueAfter(Duration.ofSeconds(60)), r);
        ObjectNode s = status("r1");
        assertEquals("Running", s.get("phase").asText());
        assertEquals("c1", s.get("containerId").asText());
        assertEquals(clock.now.toString(), s.get("startedAt").asText());
        assertEquals(60, s.get("timeoutSeconds").asInt());
        assertEquals(3600, s.get("ttlSecondsAfterFinished").asInt());
        assertEquals(1, slots.inUse());
        assertEquals(List.of("Normal Created created container " + C, "Normal Started started container " + C),
                events());
    }

    /** The run's events, as "type reason message", least recently seen first. */
    List<String> events() {
        return events.list(EventFilter.ALL).stream()
                .map(e -> e.type() + " " + e.reason() + " " + e.message()).toList();
    }

    @Test
    void aToolRunGetsTheSchemasLimitsAndItsInputsUploaded() {
        apply(RunFixtures.tool("wc", "{\"image\": \"corral/busybox:latest\", \"command\": [\"wc\"]}"));
        apply(RunFixtures.run("r1", "{\"tool\": \"wc\", \"parameters\": {\"word\": \"corral\"}}"));
        reconcile("r1");
        assertEquals(List.of("ensure-image corral/busybox:latest", "create-container " + C,
                "copy-in " + C + " /workspace", "start-container " + C), engine.writes());
        ContainerRequest request = engine.container(C).orElseThrow().request;
        assertEquals(256L * 1024 * 1024, request.memoryBytes());
        assertEquals(500_000_000L, request.nanoCpus(), "0.5 cpus: the schema's default, no reader's own");
        assertEquals(256, request.pidsLimit(), "256 pids: the schema's default");
        assertEquals("corral", request.env().get("CORRAL_PARAM_WORD"));
    }

    static final String TOOL_RUN = "{\"tool\": \"wc\", \"parameters\": {\"word\": \"corral\"}}";

    /**
     * A reconciler whose cold Tool runs take prepared workspaces from a stock of one, after a first run (r1, which
     * found none and uploaded) has ended and the stock is full; the engine's calls forgotten. Stopped by the caller.
     */
    WorkspaceStock stockedAfterAFirstRun() {
        WorkspaceStock stock = new WorkspaceStock(engine, 1, Duration.ofMinutes(5), Clock.systemUTC());
        runs = new RunReconciler(store, engine, observed, slots, pools, RunFixtures.config(0, 4), dir, clock, woken::add,
                (pool, after) -> { }, events, timings, stock);
        apply(RunFixtures.tool("wc", "{\"image\": \"corral/busybox:latest\", \"command\": [\"wc\"]}"));
        apply(RunFixtures.run("r1", TOOL_RUN));
        reconcile("r1");
        assertTrue(engine.writes().contains("copy-in " + C + " /workspace"), "none was ready: uploaded");
        stock.ended(key("r1"));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> stock.readyCount() == 1);
        engine.clearActions();
        return stock;
    }

    String holder() {
        return engine.listLabelled(dev.corral.runtime.Labels.WORKSPACE_HOLDER, "true").get(0);
    }

    @Test
    void aToolRunTakesAWorkspacePreparedAheadAndItsInputsTravelInItsEnvironment() {
        WorkspaceStock stock = stockedAfterAFirstRun();
        try {
            String holder = holder();
            apply(RunFixtures.run("r2", TOOL_RUN));
            reconcile("r2");
            String c2 = "corral-toolrun-r2";
            assertEquals(List.of("ensure-image corral/busybox:latest", "create-container " + c2, "start-container " + c2),
                    engine.writes(), "no upload");
            ContainerRequest request = engine.container(c2).orElseThrow().request;
            assertEquals(holder, request.hardening().workspaceFrom());
            assertEquals("/workspace/data/input.json", request.env().get("CORRAL_FILE_0"));
            assertEquals("{\"word\":\"corral\"}", request.env().get("CORRAL_DATA_0"));
            assertEquals("corral", request.env().get("CORRAL_PARAM_WORD"));
            assertTrue(events.list(EventFilter.ALL).stream().anyMatch(e -> e.message().equals(
                    "created container " + c2 + " with a workspace prepared ahead")));
        } finally {
            stock.stop();
        }
    }

    @Test
    void aToolRunWhosePreparedWorkspaceTheEngineLostUploadsItsOwn() {
        WorkspaceStock stock = stockedAfterAFirstRun();
        try {
            engine.removeContainer(holder()); // a prune
            engine.clearActions();
            apply(RunFixtures.run("r2", TOOL_RUN));
            reconcile("r2");
            String c2 = "corral-toolrun-r2";
            assertEquals(List.of(c2), engine.refusedCreates, "asked with the lost holder's volume first");
            assertEquals(List.of("ensure-image corral/busybox:latest", "create-container " + c2,
                    "copy-in " + c2 + " /workspace", "start-container " + c2), engine.writes(), "then as before");
            assertEquals(null, engine.container(c2).orElseThrow().request.hardening().workspaceFrom());
            assertEquals("Running", status("r2").get("phase").asText());
        } finally {
            stock.stop();
        }
    }

    @Test
    void aColdRunThatReportsBeforeTheEngineAnswersItsStartIsCollectedWithoutWaitingForItsDieEvent() {
        engine.reportedDuringStart.put(C, new StreamedOutput(new Logs("hi\n", false, Launcher.REPORT_MARK
                + "{\"exitCode\":0,\"cpuNanos\":1,\"memoryPeakBytes\":1,\"oomKills\":0,\"outputEntries\":0}\n",
                false), ""));
        apply(RunFixtures.run("r1", BASH_RUN));
        reconcile("r1");
        String id = engine.container(C).orElseThrow().id;
        assertEquals("exited", observed.container(id).orElseThrow().state(),
                "not \"running\" over what the launcher's report said");
        assertTrue(woken.contains(key("r1")), "looked at again at once");
        reconcile("r1");
        assertEquals("Succeeded", status("r1").get("phase").asText());
        assertEquals("hi\n", status("r1").get("stdout").asText());
    }

    @Test
    void aLanguageRunKeepsItsOwnLimits() {
        apply(RunFixtures.run("r1", BASH_RUN));
        reconcile("r1");
        ContainerRequest request = engine.container(C).orElseThrow().request;
        assertEquals(1_000_000_000L, request.nanoCpus());
        assertEquals(128, request.pidsLimit());
    }

    @Test
    void aRunWithAMissingToolFails() {
        apply(RunFixtures.run("r1", "{\"tool\": \"nope\"}"));
        reconcile("r1");
        assertEquals(List.of(), engine.writes());
        assertEquals("Failed", status("r1").get("phase").asText());
        assertEquals("Tool \"nope\" does not exist", status("r1").get("message").asText());
        assertEquals(0, slots.inUse());
    }

    @Test
    void aWarmContainerIsClaimedAndGivenItsInput() {
        reconciler(1, 4);
        PoolReconciler pool = new PoolReconciler(store, engine, observed, pools, RunFixtures.config(1, 4));
        pool.reconcile(Runner.BASH.poolKey(), null);
        String warm = observed.containersOf(Runner.BASH.poolKey()).get(0).name();
        engine.clearActions();
        apply(RunFixtures.run("r1", BASH_RUN));
        reconcile("r1");
        assertEquals(List.of("ensure-image corral/runner-bash:latest", "attach " + warm), engine.writes());
        assertEquals(List.of("@bash in 250 ms"), refills, "a replacement, after the short run had its CPU");
        ObjectNode s = status("r1");
        assertEquals("Running", s.get("phase").asText());
        assertTrue(s.get("pooled").asBoolean());
        assertEquals(engine.container(warm).orElseThrow().id, s.get("containerId").asText());
        assertEquals(key("r1"), runs.claimant(s.get("containerId").asText()));
    }

    /** A bash run given warm container {@code warm} of the @bash pool; the engine's calls forgotten. */
    String startedWarm() {
        reconciler(1, 4);
        new PoolReconciler(store, engine, observed, pools, RunFixtures.config(1, 4)).reconcile(Runner.BASH.poolKey(), null);
        String warm = observed.containersOf(Runner.BASH.poolKey()).get(0).name();
        apply(RunFixtures.run("r1", BASH_RUN));
        reconcile("r1");
        engine.clearActions();
        return warm;
    }

    @Test
    void aWarmRunIsCollectedFromItsStreamWithoutAskingTheEngine() {
        String warm = startedWarm();
        String id = engine.container(warm).orElseThrow().id;
        engine.exit(warm, 0);
        engine.attached.get(warm).complete(new StreamedOutput(new Logs("warm\n", false, Launcher.REPORT_MARK
                + "{\"exitCode\":0,\"cpuNanos\":1,\"memoryPeakBytes\":1,\"oomKills\":0,\"outputEntries\":0}\n",
                false), ""));
        assertEquals("exited", observed.container(id).orElseThrow().state(), "the launcher's report ends the run");
        reconcile("r1");
        assertEquals(List.of("remove-container " + warm), engine.writes());
        assertEquals(List.of(), engine.actions().stream().filter(a -> a.verb().equals("inspect")).toList(),
                "its report says how it ended: no inspect on the warm path");
        assertEquals("Succeeded", status("r1").get("phase").asText());
        assertEquals("warm\n", status("r1").get("stdout").asText());
        assertEquals(null, runs.claimant(id), "nothing of the run kept in memory");
        for (String stage : List.of("handOver", "command", "collect")) {
            assertEquals(1, meters.get("corral_run_stage_seconds").tag("stage", stage).timer().count(),
                    "one " + stage + " measured for the run that nobody waited for");
        }
        assertEquals(0, meters.get("corral_run_stage_seconds").tag("stage", "admission").timer().count()
                + meters.get("corral_run_stage_seconds").tag("stage", "queue").timer().count(),
                "applied without the API: measured from the loop's pick");
    }

    @Test
    void aWarmRunPastItsDeadlineWhoseLauncherReportedIsCollectedNotKilled() {
        String warm = startedWarm();
        // Its attachment dropped before the report (nothing seen here); the launcher reported, and waits to be removed.
        engine.attached.get(warm).completeExceptionally(new java.io.IOException("connection reset"));
        engine.answers.put(Launcher.STARTED_PROBE, new dev.corral.runtime.ExecResult(2L, ""));
        engine.output.put(warm, REPORTED);
        clock.advanceSeconds(60);
        assertEquals(Result.requeueAfter(Duration.ZERO), reconcile("r1"));
        assertEquals(List.of("exec " + warm), engine.writes(), "asked, not killed");
        reconcile("r1");
        assertEquals("Succeeded", status("r1").get("phase").asText(), status("r1").toString());
        assertFalse(engine.writes().contains("kill-container " + warm), engine.writes().toString());
    }

    @Test
    void aDeletedWarmRunsClaimedContainerIsGarbageToo() {
        String warm = startedWarm();
        store.delete(key("r1"), null, ApplyOptions.API);
        assertEquals(Result.DONE, runs.reconcile(key("r1"), null));
        assertEquals(List.of("remove-container " + warm), engine.writes());
        assertEquals(0, slots.inUse());
    }

    @Test
    void anOomKilledRunSaysSo() {
        startedCold();
        engine.container(C).orElseThrow().oomKilled = true;
        exited(C, 137, new Logs("", false, "", false));
        reconcile("r1");
        assertEquals("OOMKilled", status("r1").get("phase").asText());
        assertEquals("killed for exceeding its memory limit", status("r1").get("message").asText());
        assertEquals("Warning OOMKilled killed for exceeding its memory limit", events().get(events().size() - 1));
    }

    @Test
    void noIdleWarmContainerStartsColdAndAsksForOneAtOnce() {
        reconciler(1, 4);
        apply(RunFixtures.run("r1", BASH_RUN));
        reconcile("r1");
        assertEquals(List.of("ensure-image corral/runner-bash:latest", "create-container " + C, "start-container " + C),
                engine.writes());
        assertEquals(List.of("@bash in 0 ms"), refills);
    }

    @Test
    void aRunPastItsDeadlineIsKilledThenCollectedAsTimedOut() {
        startedCold();
        clock.advanceSeconds(60);
        assertEquals(Result.requeueAfter(Duration.ZERO), reconcile("r1"));
        assertEquals(List.of("exec " + C, "kill-container " + C), engine.writes(), "its cgroup read, then the kill");
        assertEquals("TimedOut", status("r1").get("terminating").asText(), "the reason recorded before the kill");

        engine.clearActions();
        engine.output.put(C, new Logs("partial\n", false, "", false));
        reconcile("r1");
        assertEquals(List.of("logs " + C, "copy-out " + C + " /workspace/output", "remove-container " + C),
                engine.writes(), "no report from a killed run: its output directory is read");
        ObjectNode s = status("r1");
        assertEquals("TimedOut", s.get("phase").asText());
        assertEquals("killed at its timeout of 60 s", s.get("message").asText());
        assertEquals(List.of("Normal Killing killing it: its timeout of 60 s is up",
                "Warning TimedOut killed at its timeout of 60 s"), events().subList(2, 4));
        assertEquals(137, s.get("exitCode").asInt());
        assertEquals("partial\n", s.get("stdout").asText());
        assertFalse(s.has("terminating"));
        assertEquals(0, slots.inUse());
    }

    @Test
    void anEndedRunIsCollectedFromItsLogsAndReport() {
        startedCold();
        exited(C, 0, new Logs("hello\n{\"n\": 3}\n", false, "oops\n" + Launcher.REPORT_MARK
                + "{\"exitCode\":0,\"cpuNanos\":5000000,\"memoryPeakBytes\":1024,\"oomKills\":0,\"outputEntries\":0}\n",
                false));
        Result r = reconcile("r1");
        assertEquals(List.of("logs " + C, "remove-container " + C), engine.writes(),
                "the launcher counted no output files: no download");
        assertEquals(Result.requeueAfter(Duration.ofSeconds(3600)), r);
        ObjectNode s = status("r1");
        assertEquals("Succeeded", s.get("phase").asText());
        assertEquals(0, s.get("exitCode").asInt());
        assertEquals("oops\n", s.get("stderr").asText(), "the report line stripped");
        assertEquals(3, s.get("result").get("n").asInt(), "the last stdout line, when it is JSON");
        assertEquals(0.005, s.get("resources").get("cpuSeconds").asDouble());
        assertFalse(s.get("truncated").get("stdout").asBoolean());
        assertFalse(s.has("message"));
        assertTrue(s.has("durationMs"));
        assertEquals("Normal Succeeded the run succeeded", events().get(events().size() - 1));
        assertEquals(0, slots.inUse());
    }

    static final Logs REPORTED = new Logs("", false, Launcher.REPORT_MARK
            + "{\"exitCode\":0,\"cpuNanos\":1,\"memoryPeakBytes\":1,\"oomKills\":0,\"outputEntries\":0}\n", false);

    /** r1 started cold then ended while r2 runs: r1 is Succeeded, its container not yet removed. */
    Result r1EndedWhileR2Runs() {
        startedCold();
        apply(RunFixtures.run("r2", BASH_RUN));
        reconcile("r2");
        exited(C, 0, REPORTED);
        engine.clearActions();
        Result r = reconcile("r1");
        assertEquals("Succeeded", status("r1").get("phase").asText());
        assertEquals(List.of("logs " + C), engine.writes(), "collected, not removed: r2 is in flight");
        assertTrue(r.after().compareTo(Duration.ZERO) > 0 && r.after().compareTo(Duration.ofSeconds(11)) <= 0,
                "looked at again by the hold's end at the latest: " + r);
        return r;
    }

    @Test
    void aFinishedRunsContainerIsRemovedOnceNoOtherRunIsInFlight() {
        r1EndedWhileR2Runs();
        engine.clearActions();
        reconcile("r1"); // its die event
        assertEquals(List.of(), engine.writes(), "still held");

        exited("corral-toolrun-r2", 0, REPORTED);
        reconcile("r2");
        assertEquals(List.of("logs corral-toolrun-r2", "remove-container corral-toolrun-r2"), engine.writes(),
                "the last run in flight: its own container goes at once");
        assertTrue(woken.contains(key("r1")), "and the one held is looked at again: " + woken);
        engine.clearActions();
        reconcile("r1");
        assertEquals(List.of("remove-container " + C), engine.writes());
        assertTrue(engine.container(C).isEmpty());
    }

    @Test
    void aHeldRemovalWaitsNoLongerThanRemovalDelayMax() {
        r1EndedWhileR2Runs();
        engine.clearActions();
        clock.now = Instant.parse(status("r1").get("finishedAt").asText()).plusSeconds(10);
        reconcile("r1");
        assertEquals(List.of("remove-container " + C), engine.writes(), "removed though r2 still runs");
        assertEquals("Running", status("r2").get("phase").asText());
    }

    @Test
    void aRunningRunsContainerLeftOutOfAListIsAskedForBeforeTheRunIsTakenForHavingLostIt() {
        startedCold();
        String id = engine.container(C).orElseThrow().id;
        observed.removeContainer(id); // a list of the engine that left it out
        reconcile("r1");
        assertEquals("Running", status("r1").get("phase").asText(), "its container still runs");
        assertTrue(observed.container(id).isPresent(), "back in the picture");

        engine.removeContainer(id);
        observed.removeContainer(id);
        reconcile("r1");
        assertEquals("Failed", status("r1").get("phase").asText(), "gone for the engine too");
        assertEquals("its container disappeared before its result was collected", status("r1").get("message").asText());
    }

    @Test
    void aFinishedRunsRecordGoesAtItsTtl() {
        startedCold();
        exited(C, 1, new Logs("", false, "", false));
        reconcile("r1");
        assertEquals("Failed", status("r1").get("phase").asText());
        assertEquals("exited with code 1", status("r1").get("message").asText());
        engine.clearActions();

        clock.now = Instant.parse(status("r1").get("finishedAt").asText()).plusSeconds(10);
        assertEquals(Result.requeueAfter(Duration.ofSeconds(3590)), reconcile("r1"));
        clock.advanceSeconds(3590);
        assertEquals(Result.DONE, reconcile("r1"));
        assertTrue(store.get(key("r1")).isEmpty());
        assertEquals(List.of(), engine.writes(), "no engine call: its container went at collection");
    }

    @Test
    void aDeletedRunsContainerIsGarbageAndItsSlotFreed() {
        startedCold();
        store.delete(key("r1"), null, ApplyOptions.API);
        assertEquals(Result.DONE, runs.reconcile(key("r1"), null));
        assertEquals(List.of("remove-container " + C), engine.writes());
        assertEquals(0, slots.inUse());
    }

    @Test
    void aRunWithoutASlotWaitsPendingAndIsWokenWhenOneFrees() {
        reconciler(0, 1);
        startedCold();
        apply(RunFixtures.run("r2", BASH_RUN));
        assertEquals(Result.requeueAfter(Duration.ofSeconds(1)), reconcile("r2"));
        assertEquals(List.of(), engine.writes());
        assertEquals("Pending", status("r2").get("phase").asText());
        assertEquals("waiting for a free run slot (1 running)", status("r2").get("message").asText());

        exited(C, 0, new Logs("", false, "", false));
        reconcile("r1");
        assertEquals(List.of(key("r2")), woken, "the oldest waiting run, woken rather than left to poll");
    }

    @Test
    void aCancelledRunIsKilledAndCollectedAsCancelled() {
        startedCold();
        SpecObject run = store.get(key("r1")).orElseThrow();
        apply(run.withMetadata(new dev.corral.spec.Metadata(run.metadata().name(), null, run.metadata().labels(),
                java.util.Map.of("corral.dev/cancel", "true"), null, null, null, null, null, null)));
        reconcile("r1");
        assertEquals(List.of("exec " + C, "kill-container " + C), engine.writes());
        engine.clearActions();
        reconcile("r1");
        assertEquals("Cancelled", status("r1").get("phase").asText());
        assertEquals("cancelled", status("r1").get("message").asText());
    }
}
