package dev.corral.runs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.loop.ObservedState;
import dev.corral.loop.Result;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The warm pool reconciler against the fake engine: the exact engine calls (warm container names
 * end in a random suffix, shown as {@code *}), and the Tool's {@code status.pool}.
 */
class PoolReconcilerTest {

    static final ObjectKey TOOL = ObjectKey.of(Kind.Tool, null, "t");

    @TempDir
    Path dir;

    FileSpecStore store;
    final RunEngine engine = new RunEngine();
    final ObservedState observed = new ObservedState();
    final RunFixtures.TestClock clock = new RunFixtures.TestClock(java.time.Instant.parse("2026-12-01T00:00:00Z"));
    final WarmPools pools = new WarmPools(clock, java.time.Duration.ofSeconds(60));
    PoolReconciler pool;

    @BeforeEach
    void open() {
        store = FileSpecStore.open(dir.resolve("store"), Clock.systemUTC(), Long.MAX_VALUE / 4);
        pool = new PoolReconciler(store, engine, observed, pools, RunFixtures.config(1, 4));
    }

    @AfterEach
    void close() {
        store.close();
    }

    Result tool(String spec) {
        store.apply(List.of(RunFixtures.tool("t", spec)), ApplyOptions.api(false));
        engine.clearActions();
        return pool.reconcile(TOOL, store.get(TOOL).orElseThrow());
    }

    /** The calls made, warm containers' random suffixes as {@code *}. */
    List<String> writes() {
        return engine.writes().stream().map(w -> w.replaceAll("-[0-9a-f]{8}\\b", "-*")).toList();
    }

    ObjectNode poolStatus() {
        return (ObjectNode) store.get(TOOL).orElseThrow().status().get("pool");
    }

    /** The calls made to each container (containers are started in parallel: only each one's own order holds). */
    Map<String, List<String>> writesPerContainer() {
        Map<String, List<String>> per = new TreeMap<>();
        for (String w : engine.writes()) {
            String[] parts = w.split(" ");
            if (parts.length > 1 && parts[1].startsWith("corral-pool-")) {
                per.computeIfAbsent(parts[1], k -> new ArrayList<>()).add(parts[0] + (parts.length > 2 ? " " + parts[2] : ""));
            }
        }
        return per;
    }

    @Test
    void aToolsPoolIsFilledWithStartedWarmContainers() {
        assertEquals(Result.DONE, tool("{\"image\": \"corral/busybox:latest\", \"command\": [\"cat\"], \"pool\": {\"size\": 2}}"));
        assertEquals("ensure-image corral/busybox:latest", writes().get(0));
        Map<String, List<String>> per = writesPerContainer();
        assertEquals(2, per.size());
        per.values().forEach(calls -> assertEquals(List.of("create-container", "copy-in /workspace", "start-container"),
                calls, "a Tool image's workspace is not its run user's: the skeleton goes in first"));
        assertEquals(7, writes().size());
        assertEquals(2, poolStatus().get("ready").asInt());
        assertEquals(2, pools.idleCount(TOOL));
    }

    @Test
    void aRunnerPoolNeedsNoUpload() {
        pool.reconcile(Runner.BASH.poolKey(), null);
        assertEquals(List.of("ensure-image corral/runner-bash:latest", "create-container corral-pool-runner-bash-*",
                "start-container corral-pool-runner-bash-*"), writes());
    }

    @Test
    void aSmallerPoolRetiresTheSurplus() {
        tool("{\"image\": \"corral/busybox:latest\", \"command\": [\"cat\"], \"pool\": {\"size\": 2}}");
        tool("{\"image\": \"corral/busybox:latest\", \"command\": [\"cat\"], \"pool\": {\"size\": 1}}");
        assertEquals(List.of("ensure-image corral/busybox:latest", "remove-container corral-pool-t-*"), writes());
        assertEquals(1, poolStatus().get("ready").asInt());
        assertEquals(1, pools.idleCount(TOOL));
    }

    @Test
    void aChangedToolMakesItsIdleContainersStaleAndReplacesThem() {
        tool("{\"image\": \"corral/busybox:latest\", \"command\": [\"cat\"], \"pool\": {\"size\": 1}}");
        String old = observed.containersOf(TOOL).get(0).name();
        tool("{\"image\": \"corral/busybox:latest\", \"command\": [\"cat\"], \"env\": {\"A\": \"1\"}, \"pool\": {\"size\": 1}}");
        assertEquals(List.of("ensure-image corral/busybox:latest", "remove-container corral-pool-t-*",
                "create-container corral-pool-t-*", "copy-in corral-pool-t-* /workspace",
                "start-container corral-pool-t-*"), writes());
        assertTrue(engine.container(old).isEmpty(), "the stale one is gone");
    }

    @Test
    void aClaimedContainerIsTheRunsNotThePools() {
        tool("{\"image\": \"corral/busybox:latest\", \"command\": [\"cat\"], \"pool\": {\"size\": 1}}");
        String id = observed.containersOf(TOOL).get(0).id();
        assertTrue(pools.claim(TOOL, hashOf(id), ObjectKey.of(Kind.ToolRun, null, "r1"), x -> true).isPresent());
        tool("{\"image\": \"corral/busybox:latest\", \"command\": [\"cat\"], \"pool\": {\"size\": 0}}");
        assertEquals(List.of(), writes(), "no pool wanted, and the claimed one left to its run");
        assertTrue(engine.container(id).isPresent());
    }

    @Test
    void anIdleContainerThatDiedIsRemovedAndReported() {
        tool("{\"image\": \"corral/busybox:latest\", \"command\": [\"cat\"], \"pool\": {\"size\": 1}}");
        String id = observed.containersOf(TOOL).get(0).id();
        engine.exit(id, 127);
        observed.setState(id, "exited");
        Result r = tool("{\"image\": \"corral/busybox:latest\", \"command\": [\"cat\"], \"pool\": {\"size\": 1}}");
        assertEquals(Result.Kind.ERROR, r.kind(), "backs off rather than spin on an image that cannot idle");
        assertEquals(List.of("ensure-image corral/busybox:latest", "remove-container corral-pool-t-*"), writes());
        assertTrue(store.get(TOOL).orElseThrow().status().get("message").asText().contains("exited while idle"));
    }

    @Test
    void aPoolGrowsByOneForEachRunThatFoundItEmptyUpToItsMaxAndShrinksBackWhenQuiet() {
        String spec = "{\"image\": \"corral/busybox:latest\", \"command\": [\"cat\"], \"pool\": {\"size\": 1, \"max\": 3}}";
        tool(spec);
        String hash = hashOf(observed.containersOf(TOOL).get(0).id());
        for (int i = 0; i < 5; i++) {
            // The first finds the idle one; the four after it find the pool empty.
            pools.claim(TOOL, hash, ObjectKey.of(Kind.ToolRun, null, "r" + i), x -> true);
        }
        assertEquals(3, pools.target(TOOL, new dev.corral.spec.model.PoolBounds(1, 3)), "1 + 4 misses, capped at max 3");
        Result r = tool(spec);
        assertEquals(3, pools.idleCount(TOOL), "grown to its max");
        assertEquals(Result.Kind.REQUEUE, r.kind(), "looked at again when it may shrink");
        assertEquals(java.time.Duration.ofSeconds(60).plusMillis(10), r.after());
        assertEquals(3, writesPerContainer().size());
        ObjectNode status = poolStatus();
        assertEquals(List.of(1, 3, 3, 3), List.of(status.get("size").asInt(), status.get("max").asInt(),
                status.get("target").asInt(), status.get("ready").asInt()));

        clock.advanceSeconds(59);
        assertEquals(Result.Kind.REQUEUE, tool(spec).kind());
        assertEquals(List.of("ensure-image corral/busybox:latest"), writes(), "still within the quiet window");
        clock.advanceSeconds(1);
        assertEquals(Result.DONE, tool(spec));
        assertEquals(List.of("ensure-image corral/busybox:latest", "remove-container corral-pool-t-*",
                "remove-container corral-pool-t-*"), writes(), "back to its size after a quiet minute");
        assertEquals(1, pools.idleCount(TOOL));
        assertEquals(1, poolStatus().get("target").asInt());
    }

    /** A burst taking the pool: refilled when what is idle would not cover another second of it, not before. */
    @Test
    void aPoolTakenByABurstIsRefilledOnceItEasesOffUnlessItWouldRunDry() {
        String spec = "{\"image\": \"corral/busybox:latest\", \"command\": [\"cat\"], \"pool\": {\"size\": 6}}";
        tool(spec);
        String hash = hashOf(observed.containersOf(TOOL).get(0).id());
        for (int i = 0; i < 2; i++) {
            assertTrue(pools.claim(TOOL, hash, ObjectKey.of(Kind.ToolRun, null, "r" + i), x -> true).isPresent());
        }
        Result r = tool(spec);
        assertEquals(List.of("ensure-image corral/busybox:latest"), writes(), "4 idle cover 2 a second: no refill yet");
        assertEquals(Result.Kind.REQUEUE, r.kind());
        assertEquals(PoolReconciler.REFILL_WAIT, r.after());
        assertEquals(4, poolStatus().get("ready").asInt());

        for (int i = 2; i < 4; i++) {
            pools.claim(TOOL, hash, ObjectKey.of(Kind.ToolRun, null, "r" + i), x -> true);
        }
        tool(spec);
        assertEquals(4, writesPerContainer().size(), "2 idle would not cover 4 a second: refilled at once");
        assertEquals(6, pools.idleCount(TOOL));

        pools.claim(TOOL, hash, ObjectKey.of(Kind.ToolRun, null, "r4"), x -> true);
        clock.advanceSeconds(1);
        tool(spec);
        assertEquals(1, writesPerContainer().size(), "the burst is over: refilled");
    }

    @Test
    void aPoolOfSizeZeroStartsEmptyAndGrowsOnlyWhenRunsAsk() {
        String spec = "{\"image\": \"corral/busybox:latest\", \"command\": [\"cat\"], \"pool\": {\"size\": 0, \"max\": 2}}";
        assertEquals(Result.DONE, tool(spec));
        assertEquals(List.of("ensure-image corral/busybox:latest"), writes(), "nothing until a run asks");
        assertTrue(pools.claim(TOOL, "any", ObjectKey.of(Kind.ToolRun, null, "r1"), x -> true).isEmpty());
        tool(spec);
        assertEquals(1, pools.idleCount(TOOL), "one run missed: one warm container for the next");
    }

    @Test
    void aPoolMissingManyStartsThemABatchAtATime() {
        pool = new PoolReconciler(store, engine, observed, pools, RunFixtures.config(20, 4));
        Result r = pool.reconcile(Runner.BASH.poolKey(), null);
        assertEquals(PoolStarter.BATCH, pools.idleCount(Runner.BASH.poolKey()));
        assertEquals(Result.Kind.REQUEUE, r.kind(), "the rest in the next pass");
        assertEquals(java.time.Duration.ZERO, r.after());
        pool.reconcile(Runner.BASH.poolKey(), null);
        assertEquals(Result.DONE, pool.reconcile(Runner.BASH.poolKey(), null));
        assertEquals(20, pools.idleCount(Runner.BASH.poolKey()));
    }

    /** The shape hash of the idle container {@code id}: the one the pool recorded it under. */
    private String hashOf(String id) {
        return engine.container(id).orElseThrow().request.labels().get(dev.corral.runtime.Labels.SPEC_HASH);
    }
}
