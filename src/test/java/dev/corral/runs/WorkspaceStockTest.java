package dev.corral.runs;

import dev.corral.runtime.ContainerRequest;
import dev.corral.runtime.EngineException;
import dev.corral.runtime.Labels;
import dev.corral.testing.FakeRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Workspaces made ahead for cold Tool runs, against the fake engine. */
class WorkspaceStockTest {

    static final String IMAGE = "sha256:tool";
    static final Duration LONG = Duration.ofMinutes(5);

    final FakeRuntime engine = new FakeRuntime();
    WorkspaceStock stock;

    @AfterEach
    void stop() {
        if (stock != null) {
            stock.stop();
        }
    }

    WorkspaceStock stock(int size, Duration idleAfter) {
        stock = new WorkspaceStock(engine, size, idleAfter, Clock.systemUTC());
        return stock;
    }

    List<FakeRuntime.Container> holders() {
        return engine.listLabelled(Labels.WORKSPACE_HOLDER, "true").stream()
                .map(id -> engine.container(id).orElseThrow()).toList();
    }

    static dev.corral.spec.ObjectKey run(String name) {
        return dev.corral.spec.ObjectKey.of(dev.corral.spec.Kind.ToolRun, null, name);
    }

    /** A run looks for a holder of {@code image} and ends; what it took, if any. */
    Optional<String> runEnded(String image, String name) {
        Optional<String> holder = stock.take(image, 65534, run(name));
        stock.ended(run(name));
        return holder;
    }

    /** A holder no stock of this process made (an earlier Corral's). */
    String stray(String name) {
        return engine.seed(new ContainerRequest(name, IMAGE, List.of(""), List.of("x"), Map.of(),
                Map.of(Labels.WORKSPACE_HOLDER, "true"), 0, 0, 0, null, List.of(), List.of()), false);
    }

    void awaitReady(int n) {
        await().atMost(Duration.ofSeconds(10)).until(() -> stock.readyCounts().getOrDefault(IMAGE, 0) == n);
    }

    @Test
    void theFirstLookFindsNoneAndWhenItsRunEndsHoldersOfThatImageAreMadeWithTheSkeletonInTheirWorkspace() {
        stock(2, LONG);
        assertEquals(Optional.empty(), stock.take(IMAGE, 65534, run("r1")));
        assertEquals(List.of(), engine.writes(), "nothing while the run that looked is on");
        stock.ended(run("r1"));
        awaitReady(2);
        List<FakeRuntime.Container> holders = holders();
        assertEquals(2, holders.size());
        for (FakeRuntime.Container h : holders) {
            assertEquals(IMAGE, h.request.image(), "the run's own image: its /workspace is what the volume starts with");
            assertEquals("/workspace", h.request.hardening().workspace());
            assertFalse(h.running, "a holder is never started");
            assertTrue(engine.actions().contains(new FakeRuntime.Action("copy-in", h.request.name() + " /workspace")));
        }
        assertEquals(2, stock.target());
    }

    @Test
    void aTakenHolderIsRemovedWhenItsRunEndsAndTheStockToppedUp() {
        stock(2, LONG);
        runEnded(IMAGE, "r1");
        awaitReady(2);
        String holder = stock.take(IMAGE, 65534, run("r2")).orElseThrow();
        assertEquals(1, stock.readyCount());
        assertTrue(engine.container(holder).isPresent());
        stock.ended(run("r2"));
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.container(holder).isEmpty());
        awaitReady(2);
        assertEquals(2, holders().size());
    }

    @Test
    void aRunThatDoesNotEndHasItsLookSettledSoonAfterItsContainerWasCreated() {
        stock(1, LONG);
        runEnded(IMAGE, "r1");
        awaitReady(1);
        String holder = stock.take(IMAGE, 65534, run("r2")).orElseThrow();
        stock.created(run("r2"));
        await().atMost(WorkspaceStock.SETTLE_LIMIT.plusSeconds(10)).until(() -> engine.container(holder).isEmpty());
        awaitReady(1);
    }

    @Test
    void anEarlierLookSettlingLateLeavesALaterLookOfTheSameRunAlone() {
        stock(2, LONG);
        runEnded(IMAGE, "r1");
        awaitReady(2);
        String first = stock.take(IMAGE, 65534, run("r2")).orElseThrow();
        stock.created(run("r2"));
        stock.ended(run("r2"));
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.container(first).isEmpty());
        // A run of the same name again (deleted and re-created): its holder outlives the first look's timer.
        String second = stock.take(IMAGE, 65534, run("r2")).orElseThrow();
        await().during(WorkspaceStock.SETTLE_LIMIT.plusMillis(500)).atMost(WorkspaceStock.SETTLE_LIMIT.plusSeconds(5))
                .until(() -> engine.container(second).isPresent());
        stock.ended(run("r2"));
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.container(second).isEmpty());
    }

    @Test
    void aRunThatLooksAgainHandsItsFirstHolderBack() {
        stock(2, LONG);
        runEnded(IMAGE, "r1");
        awaitReady(2);
        String first = stock.take(IMAGE, 65534, run("r2")).orElseThrow();
        String second = stock.take(IMAGE, 65534, run("r2")).orElseThrow();
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.container(first).isEmpty());
        assertTrue(engine.container(second).isPresent());
        stock.ended(run("r2"));
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.container(second).isEmpty());
    }

    @Test
    void aStockNoRunTakesFromIsRemovedAfterIdleAfter() {
        stock(2, Duration.ofSeconds(1));
        runEnded(IMAGE, "r1");
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> !holders().isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> holders().isEmpty() && stock.readyCount() == 0);
        assertEquals(0, stock.target());
        runEnded(IMAGE, "r2");
        awaitReady(2);
        assertEquals(2, stock.target(), "taken from again: kept again");
    }

    @Test
    void strayHoldersAreSweptAndOursKept() {
        String stray = stray("corral-workspace-old");
        stock(2, LONG);
        runEnded(IMAGE, "r1");
        awaitReady(2);
        String taken = stock.take(IMAGE, 65534, run("r2")).orElseThrow();
        stock.sweepStrays();
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.container(stray).isEmpty());
        assertEquals(2, holders().size(), "the stock's own holders stay, the one a run took too");
        assertTrue(engine.container(taken).isPresent());
    }

    @Test
    void strayHoldersAreSweptAgainEveryIdleAfterOnceTheFirstSweepRan() {
        stock(1, Duration.ofMillis(500));
        String first = stray("corral-workspace-early");
        stock.sweepStrays();
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.container(first).isEmpty());
        String later = stray("corral-workspace-late");
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.container(later).isEmpty());
    }

    @Test
    void aReadyHolderTheEngineLostIsDroppedByTheSweepAndMadeAgain() {
        stock(2, LONG);
        runEnded(IMAGE, "r1");
        awaitReady(2);
        String lost = holders().get(0).id;
        engine.removeContainer(lost);
        stock.sweepStrays();
        await().atMost(Duration.ofSeconds(10)).until(() -> stock.readyCount() == 2 && holders().size() == 2
                && holders().stream().noneMatch(h -> h.id.equals(lost)));
    }

    @Test
    void aLateSettleOfADroppedStockNeitherMakesItAgainNorPushesAnotherOut() {
        stock(1, LONG);
        runEnded("sha256:i0", "r0");
        await().atMost(Duration.ofSeconds(10)).until(() -> stock.readyCounts().getOrDefault("sha256:i0", 0) == 1);
        // A run of image i0 takes its holder and is still being created; then MAX_IMAGES other images' stocks push
        // i0's out, the one taken from longest ago.
        String taken = stock.take("sha256:i0", 65534, run("long")).orElseThrow();
        for (int i = 1; i <= WorkspaceStock.MAX_IMAGES; i++) {
            String image = "sha256:i" + i;
            runEnded(image, "r" + i);
            await().atMost(Duration.ofSeconds(10)).until(() -> stock.readyCounts().getOrDefault(image, 0) == 1);
        }
        assertFalse(stock.readyCounts().containsKey("sha256:i0"));
        stock.ended(run("long"));
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.container(taken).isEmpty());
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                .until(() -> stock.readyCounts().size() == WorkspaceStock.MAX_IMAGES
                        && !stock.readyCounts().containsKey("sha256:i0"));
    }

    @Test
    void stopRemovesEveryHolderAndNoneIsTakenAfter() {
        stock(2, LONG);
        runEnded(IMAGE, "r1");
        awaitReady(2);
        String taken = stock.take(IMAGE, 65534, run("r2")).orElseThrow();
        stock.stop();
        assertEquals(List.of(), holders(), "the ready ones and the one taken (its volume stays with its run, if any)");
        assertTrue(engine.container(taken).isEmpty());
        assertEquals(Optional.empty(), stock.take(IMAGE, 65534, run("r3")));
    }

    @Test
    void aHolderWhoseSkeletonCouldNotBeCopiedIsRemoved() {
        AtomicBoolean failing = new AtomicBoolean(true);
        FakeRuntime refusing = new FakeRuntime() {
            @Override
            public synchronized void copyIn(String id, String path, byte[] tar) {
                if (failing.get()) {
                    throw new EngineException(500, "no", null);
                }
                super.copyIn(id, path, tar);
            }
        };
        stock = new WorkspaceStock(refusing, 2, LONG, Clock.systemUTC());
        runEnded(IMAGE, "r1");
        await().atMost(Duration.ofSeconds(10)).until(() -> refusing.actions().stream().anyMatch(a -> a.verb().equals("remove-container")));
        assertEquals(List.of(), refusing.listLabelled(Labels.WORKSPACE_HOLDER, "true"));
        assertEquals(0, stock.readyCount());
        failing.set(false);
        runEnded(IMAGE, "r2");
        awaitReady(2);
    }

    @Test
    void pastTheImageCapTheStockTakenFromLongestAgoGoes() {
        stock(1, LONG);
        for (int i = 0; i <= WorkspaceStock.MAX_IMAGES; i++) {
            String image = "sha256:i" + i;
            runEnded(image, "r" + i);
            await().atMost(Duration.ofSeconds(10)).until(() -> stock.readyCounts().getOrDefault(image, 0) == 1);
        }
        assertEquals(WorkspaceStock.MAX_IMAGES, stock.readyCounts().size());
        assertFalse(stock.readyCounts().containsKey("sha256:i0"));
        assertEquals(WorkspaceStock.MAX_IMAGES, holders().size());
    }

    @Test
    void aSizeOfZeroMakesNone() {
        stock(0, LONG);
        assertEquals(Optional.empty(), runEnded(IMAGE, "r1"));
        assertEquals(Optional.empty(), runEnded(IMAGE, "r2"));
        assertEquals(List.of(), engine.writes());
    }
}
