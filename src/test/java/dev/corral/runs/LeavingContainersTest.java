package dev.corral.runs;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LeavingContainersTest {

    private final List<String> removed = new CopyOnWriteArrayList<>();
    private final AtomicInteger underWay = new AtomicInteger();
    private final RunFixtures.TestClock clock = new RunFixtures.TestClock(Instant.parse("2026-12-07T00:00:00Z"));
    private final List<String> givenUp = new CopyOnWriteArrayList<>();
    private final LeavingContainers leaving = new LeavingContainers(removed::add, givenUp::add, underWay::get, clock);

    @AfterEach
    void close() {
        leaving.close();
    }

    @Test
    void removedAtOnceWhenNoOtherRunIsUnderWay() {
        leaving.dispose("a");
        assertEquals(List.of("a"), removed);
        assertFalse(leaving.holds("a"));
    }

    @Test
    void waitsWhileRunsAreUnderWayThenGoesOldestFirst() {
        underWay.set(3);
        leaving.dispose("a");
        leaving.dispose("b");
        leaving.tick();
        assertEquals(List.of(), removed);
        assertTrue(leaving.holds("a"));

        underWay.set(0);
        leaving.tick();
        assertEquals(List.of("a", "b"), removed);
        assertEquals(0, leaving.waitingCount());
    }

    @Test
    void aSteadyLoadDoesNotPileThemUp() {
        underWay.set(16);
        leaving.dispose("old");
        clock.advanceSeconds(LeavingContainers.MAX_WAIT.toSeconds() - 1);
        leaving.dispose("young");
        leaving.tick();
        assertEquals(List.of(), removed);
        clock.advanceSeconds(1);
        leaving.tick();
        assertEquals(List.of("old"), removed, "the one that waited its longest goes, the runs go on");
        assertTrue(leaving.holds("young"));

        for (int i = 1; i < LeavingContainers.MAX_WAITING; i++) {
            leaving.dispose("w" + i);
        }
        assertEquals(LeavingContainers.MAX_WAITING, leaving.waitingCount());
        leaving.dispose("beyond");
        assertEquals("beyond", removed.get(removed.size() - 1), "beyond the bound it is removed at once");
    }

    @Test
    void theReaperRemovesThemOnceTheRunsAreDoneAndCloseRemovesTheRest() {
        underWay.set(1);
        leaving.dispose("a");
        underWay.set(0);
        await().until(() -> removed.contains("a"));

        underWay.set(1);
        leaving.dispose("b");
        leaving.close();
        assertTrue(removed.contains("b"));
        leaving.dispose("c");
        assertTrue(removed.contains("c"), "once closed, nothing waits");
    }

    @Test
    void aRefusedRemovalIsTriedAgainThenLeftToItsOwner() {
        List<String> tries = new CopyOnWriteArrayList<>();
        LeavingContainers failing = new LeavingContainers(id -> {
            tries.add(id);
            throw new IllegalStateException("engine says no");
        }, givenUp::add, underWay::get, clock);
        underWay.set(0);
        failing.dispose("a");
        assertTrue(failing.holds("a"), "not forgotten when the engine refuses");
        failing.tick(); // the reaper ticks too: between them, every try is made
        await().until(() -> givenUp.contains("a"));
        assertEquals(LeavingContainers.ATTEMPTS, tries.size(), tries.toString());
        assertFalse(failing.holds("a"));
        failing.close();
    }
}
