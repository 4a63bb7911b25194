package dev.corral.runs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.config.CorralConfig;
import dev.corral.loop.ObservedState;
import dev.corral.runtime.ContainerRuntime;
import dev.corral.runtime.ExecResult;
import dev.corral.runtime.ImageDefaults;
import dev.corral.runtime.Labels;
import dev.corral.runtime.ObservedContainer;
import dev.corral.runtime.StreamedOutput;
import dev.corral.spec.Json;
import dev.corral.spec.Kind;
import dev.corral.spec.Metadata;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.spec.model.RunPhase;
import dev.corral.store.ApplyOptions;
import dev.corral.store.FileSpecStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Corral restarted between recording a warm run as Running and giving its container the input:
 * the container is asked whether it took a run, and given the input only when it says it did not.
 * (A fake engine: the window is a few milliseconds wide and cannot be hit on purpose on a real one;
 * the rest of the warm path is tested on the real engine in converge/runs and CorralRestartIT.)
 */
class WarmRunRecoveryTest {

    @TempDir
    Path dir;

    private FileSpecStore store;
    private final List<String> given = new ArrayList<>();
    private final List<String> removed = new ArrayList<>();
    private final ObjectKey key = ObjectKey.of(Kind.ToolRun, null, "r1");

    @BeforeEach
    void open() {
        store = FileSpecStore.open(dir.resolve("store"), Clock.systemUTC(), Long.MAX_VALUE / 4);
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** An engine that answers the started-probe with {@code probe} and records what is attached. */
    private ContainerRuntime engine(Long probe) {
        return (ContainerRuntime) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{ContainerRuntime.class}, (p, m, args) -> switch (m.getName()) {
                    case "exec" -> {
                        assertEquals(Launcher.STARTED_PROBE, args[1]);
                        yield new ExecResult(probe, "");
                    }
                    case "attach" -> {
                        given.add(new String((byte[]) args[1], StandardCharsets.UTF_8));
                        yield new CompletableFuture<StreamedOutput>();
                    }
                    case "ensureImage" -> new ImageDefaults("sha256:runner", List.of(), List.of());
                    case "logs" -> new dev.corral.runtime.Logs("recovered\n" + Launcher.END_MARK, false, Launcher.REPORT_MARK
                            + "{\"exitCode\":0,\"cpuNanos\":1,\"memoryPeakBytes\":1,\"oomKills\":0,\"outputEntries\":0}\n",
                            false);
                    case "removeContainer" -> {
                        removed.add((String) args[0]);
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private RunReconciler reconciler(ContainerRuntime runtime, ObservedState observed, WarmPools pools) {
        return new RunReconciler(store, runtime, observed, new RunSlots(4), pools, runs(), dir, Clock.systemUTC(),
                k -> { }, (k, d) -> { }, new dev.corral.events.EventRecorder(100, Clock.systemUTC()),
                new RunTimings(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()));
    }

    /** The state a restart finds: the run recorded Running in warm container w1, which is running. */
    private SpecObject recordedRun(ObservedState observed, WarmPools pools) {
        ObjectNode spec = Json.MAPPER.createObjectNode().put("language", "bash").put("code", "echo recovered");
        store.apply(List.of(new SpecObject(SpecObject.API_VERSION, Kind.ToolRun,
                Metadata.declared("r1", null, Map.of(), Map.of(), null), spec, null)), ApplyOptions.api(false));
        ObjectNode status = Json.MAPPER.createObjectNode().put("phase", RunPhase.RUNNING.json())
                .put("startedAt", java.time.Instant.now().toString()).put("timeoutSeconds", 60)
                .put("ttlSecondsAfterFinished", 3600).put("containerId", "w1").put("pooled", true);
        store.updateStatus(key, status);
        observed.replace(ObservedState.stamp(), List.of(new ObservedContainer("w1", "corral-pool-runner-bash-1",
                Map.of(Labels.MANAGED, "true", Labels.KIND, "Tool", Labels.NAME, "@bash", Labels.POOL, "true"),
                "running")), List.of(), List.of());
        pools.recover("w1", key);
        return store.get(key).orElseThrow();
    }

    /** A Corral restarted on {@link #recordedRun}, whose engine answers the probe with {@code probe}, after its first pass. */
    private RunReconciler restartedAndReconciled(Long probe) {
        ObservedState observed = new ObservedState();
        WarmPools pools = new WarmPools();
        RunReconciler r = reconciler(engine(probe), observed, pools);
        if (store.get(key).isPresent()) {
            store.delete(key, null, ApplyOptions.API);
        }
        r.reconcile(key, recordedRun(observed, pools));
        return r;
    }

    @Test
    void aContainerThatSaysItTookNoRunIsGivenItOnce() {
        RunReconciler r = restartedAndReconciled(1L);
        assertEquals(1, given.size(), "given its input");
        assertTrue(given.get(0).contains("echo recovered"), given.get(0));
        r.reconcile(key, store.get(key).orElseThrow());
        assertEquals(1, given.size(), "and never again");
        assertEquals(RunPhase.RUNNING.json(), store.get(key).orElseThrow().status().path("phase").asText());
    }

    @Test
    void aContainerThatTookItsRunOrCannotSayIsNotGivenItAgain() {
        for (Long probe : new Long[]{0L, null, 126L}) { // 0: taken, asked again later; else: cannot say
            given.clear();
            restartedAndReconciled(probe);
            assertEquals(List.of(), given, "probe answered " + probe);
            assertTrue(removed.isEmpty(), "the running run's container is left to it");
        }
    }

    @Test
    void aContainerWhoseRunReportedBeforeTheRestartIsCollectedFromItsLogThoughItWaitsToBeRemoved() {
        restartedAndReconciled(2L); // asks (the probe answers 2), then collects from its log in the same pass
        var status = store.get(key).orElseThrow().status();
        assertEquals(RunPhase.SUCCEEDED.json(), status.path("phase").asText(), status.toString());
        assertEquals("recovered\n", status.path("stdout").asText());
        assertEquals(List.of(), given, "never given its run again");
        assertEquals(List.of("w1"), removed, "and its container removed");
    }

    private static CorralConfig.Runs runs() {
        return RunFixtures.config(1, 4);
    }
}
