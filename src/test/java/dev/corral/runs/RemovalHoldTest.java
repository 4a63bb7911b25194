package dev.corral.runs;

import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class RemovalHoldTest {

    static final Instant T = Instant.parse("2026-12-08T00:00:00Z");
    static final ObjectKey A = ObjectKey.of(Kind.ToolRun, null, "a");
    static final ObjectKey B = ObjectKey.of(Kind.ToolRun, null, "b");

    @Test
    void heldOnlyWhileBusyAndUntilItsDeadline() {
        RemovalHold hold = new RemovalHold(Duration.ofSeconds(10));
        assertNull(hold.hold(A, T, T, false), "nothing in flight: removed at once");
        assertEquals(Duration.ofSeconds(7), hold.hold(A, T, T.plusSeconds(3), true));
        assertNull(hold.hold(B, T, T.plusSeconds(10), true), "past its deadline: removed though busy");
        assertEquals(1, hold.size());
        assertNull(hold.hold(A, T, T.plusSeconds(4), false), "no longer busy");
        assertEquals(0, hold.size(), "and no longer held");
    }

    @Test
    void releaseHandsOverEveryHeldRunOnceAndForgetDropsOne() {
        RemovalHold hold = new RemovalHold(Duration.ofSeconds(10));
        hold.hold(A, T, T, true);
        hold.hold(B, T, T, true);
        hold.forget(B);
        assertEquals(List.of(A), hold.release());
        assertEquals(List.of(), hold.release());
    }

    @Test
    void zeroNeverHoldsNorDoesARunThatDidNotFinish() {
        assertNull(new RemovalHold(Duration.ZERO).hold(A, T, T, true));
        assertNull(new RemovalHold(Duration.ofSeconds(10)).hold(A, null, T, true));
    }
}
