package dev.corral.runs;

import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Slots are bounded, and a freed slot names the oldest run that waited for one. */
class RunSlotsTest {

    private static ObjectKey run(String name) {
        return ObjectKey.of(Kind.ToolRun, null, name);
    }

    @Test
    void aFreedSlotWakesTheOldestWaiter() {
        RunSlots slots = new RunSlots(1);
        assertTrue(slots.tryAcquire(run("a")));
        assertFalse(slots.tryAcquire(run("b")));
        assertFalse(slots.tryAcquire(run("c")));
        assertFalse(slots.tryAcquire(run("b")), "asking again keeps its place");
        assertEquals(run("b"), slots.release(run("a")));
        assertTrue(slots.tryAcquire(run("b")));
        assertEquals(run("c"), slots.release(run("b")));
    }

    @Test
    void releasingWhatHeldNoSlotWakesNobodyAndForgetsTheWaiter() {
        RunSlots slots = new RunSlots(1);
        assertTrue(slots.tryAcquire(run("a")));
        assertFalse(slots.tryAcquire(run("b")));
        assertNull(slots.release(run("b")), "a waiter that went away");
        assertNull(slots.release(run("a")), "nobody waits any more");
        assertEquals(0, slots.inUse());
    }

    @Test
    void adoptedRunsHoldASlotBeyondTheBound() {
        RunSlots slots = new RunSlots(1);
        assertTrue(slots.tryAcquire(run("a")));
        slots.occupy(run("b"));
        assertEquals(2, slots.inUse());
    }
}
