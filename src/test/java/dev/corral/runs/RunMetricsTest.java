package dev.corral.runs;

import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.store.ApplyOptions;
import dev.corral.store.FileSpecStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The run and pool series, read from the runs' status as the store records it; no engine. */
class RunMetricsTest {

    @TempDir
    Path dir;

    FileSpecStore store;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final WarmPools pools = new WarmPools();

    @BeforeEach
    void open() {
        store = FileSpecStore.open(dir, Clock.systemUTC(), Long.MAX_VALUE / 4);
        new RunMetrics(registry, store, pools, RunFixtures.config(1, 4)).attach();
    }

    @AfterEach
    void close() {
        store.close();
    }

    void status(String run, String json) {
        store.updateStatus(ObjectKey.of(Kind.ToolRun, null, run), RunFixtures.json(json));
    }

    Counter runs(String phase, String runner) {
        return registry.find("corral_runs_total").tag("phase", phase).tag("runner", runner).counter();
    }

    @Test
    void aRunIsCountedOnceWhenItFinishesWithItsDurationAndItsQueueTime() {
        store.apply(List.of(RunFixtures.run("r1", RunReconcilerTest.BASH_RUN)), ApplyOptions.api(false));
        Instant stored = store.get(ObjectKey.of(Kind.ToolRun, null, "r1")).orElseThrow().metadata().createdAt();
        status("r1", "{\"phase\": \"Pending\", \"message\": \"waiting for a free run slot\"}");
        String started = "\"startedAt\": \"" + stored.plusMillis(1200) + "\"";
        status("r1", "{\"phase\": \"Running\", " + started + "}");
        status("r1", "{\"phase\": \"Running\", " + started + ", \"containerId\": \"c1\"}");
        assertNull(runs("Succeeded", "bash"), "not finished yet");
        status("r1", "{\"phase\": \"Succeeded\", \"durationMs\": 1500}");
        status("r1", "{\"phase\": \"Succeeded\", \"durationMs\": 1500, \"message\": \"written again\"}");

        assertEquals(1.0, runs("Succeeded", "bash").count(), "counted once, at the change to a finished phase");
        Timer duration = registry.find("corral_run_duration_seconds").tag("runner", "bash").timer();
        assertEquals(1, duration.count());
        assertEquals(1.5, duration.totalTime(TimeUnit.SECONDS), 1e-9);
        Timer queue = registry.find("corral_run_queue_seconds").timer();
        assertEquals(1, queue.count(), "the second Running write is not a second start");
        assertEquals(1.2, queue.totalTime(TimeUnit.SECONDS), 1e-9);
    }

    @Test
    void aToolRunCountsUnderItsToolOnlyWhenTheToolExists() {
        store.apply(List.of(RunFixtures.tool("wc", "{\"image\": \"corral/busybox:latest\"}"),
                RunFixtures.run("real", "{\"tool\": \"wc\"}"),
                RunFixtures.run("made-up", "{\"tool\": \"no-such-tool-4711\"}")), ApplyOptions.api(false));
        status("real", "{\"phase\": \"Failed\", \"message\": \"exited with code 3\"}");
        status("made-up", "{\"phase\": \"Failed\", \"message\": \"no Tool no-such-tool-4711\"}");

        assertEquals(1.0, runs("Failed", "tool/wc").count());
        assertEquals(1.0, runs("Failed", RunMetrics.UNKNOWN_TOOL).count(), "a made-up name adds no series");
        assertTrue(registry.find("corral_runs_total").tag("runner", "tool/no-such-tool-4711").meters().isEmpty());
        assertNull(registry.find("corral_run_duration_seconds").timer(), "runs that never started are not timed");
    }

    @Test
    void poolsArePublishedWhileTheyHaveASize() {
        Gauge bash = registry.find("corral_pool_size").tag("pool", "runner/bash").gauge();
        assertEquals(1.0, bash.value(), "corral.runs.bash-pool-size");
        assertNull(registry.find("corral_pool_size").tag("pool", "runner/python").gauge(), "no pool, no series");

        store.apply(List.of(RunFixtures.tool("wc", "{\"image\": \"corral/busybox:latest\", \"pool\": {\"size\": 3}}")),
                ApplyOptions.api(false));
        ObjectKey wc = ObjectKey.of(Kind.Tool, null, "wc");
        pools.addIdle(wc, "w1", "h");
        pools.addIdle(wc, "w2", "h");
        assertEquals(3.0, registry.find("corral_pool_size").tag("pool", "tool/wc").gauge().value());
        assertEquals(2.0, registry.find("corral_pool_idle").tag("pool", "tool/wc").gauge().value());

        store.apply(List.of(RunFixtures.tool("wc", "{\"image\": \"corral/busybox:latest\", \"pool\": {\"size\": 5, \"max\": 7}}")),
                ApplyOptions.api(false));
        assertEquals(5.0, registry.find("corral_pool_size").tag("pool", "tool/wc").gauge().value(), "read live");
        assertEquals(5.0, registry.find("corral_pool_target").tag("pool", "tool/wc").gauge().value());
        pools.claim(wc, "other-hash", ObjectKey.of(Kind.ToolRun, null, "r1"), id -> true);
        assertEquals(6.0, registry.find("corral_pool_target").tag("pool", "tool/wc").gauge().value(),
                "a run that found no warm container grows the target");

        store.delete(wc, null, "api");
        assertNull(registry.find("corral_pool_size").tag("pool", "tool/wc").gauge(), "a deleted Tool's pool goes");
        assertNull(registry.find("corral_pool_idle").tag("pool", "tool/wc").gauge());
        assertNull(registry.find("corral_pool_target").tag("pool", "tool/wc").gauge());
    }
}
