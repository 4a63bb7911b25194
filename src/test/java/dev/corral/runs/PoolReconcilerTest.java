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
import java.util.List;

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
    final WarmPools pools = new WarmPools();
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

    @Test
    void aToolsPoolIsFilledWithStartedWarmContainers() {
        assertEquals(Result.DONE, tool("{\"image\": \"corral/busybox:latest\", \"command\": [\"cat\"], \"pool\": {\"size\": 2}}"));
        assertEquals(List.of("ensure-image corral/busybox:latest",
                "create-container corral-pool-t-*", "copy-in corral-pool-t-* /workspace", "start-container corral-pool-t-*",
                "create-container corral-pool-t-*", "copy-in corral-pool-t-* /workspace", "start-container corral-pool-t-*"),
                writes(), "a Tool image's workspace is not its run user's: the skeleton goes in first");
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

    /** The shape hash of the idle container {@code id}: the one the pool recorded it under. */
    private String hashOf(String id) {
        return engine.container(id).orElseThrow().request.labels().get(dev.corral.runtime.Labels.SPEC_HASH);
    }
}
