package dev.corral.runs;

import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class RemovalHoldTest {

    static final Instant T = Instant.parse("2026-12-08T00:00:00Z");
    static final ObjectKey A = ObjectKey.of(Kind.ToolRun, null, "a");
    static final ObjectKey B = ObjectKey.of(Kind.ToolRun, null, "b");
    static final ObjectKey C = ObjectKey.of(Kind.ToolRun, null, "c");

    final AtomicBoolean busy = new AtomicBoolean(true);

    RemovalHold hold(Duration max, int most) {
        return new RemovalHold(max, busy::get, () -> most);
    }

    @Test
    void heldOnlyWhileBusyAndUntilItsDeadline() {
        RemovalHold hold = hold(Duration.ofSeconds(10), 10);
        busy.set(false);
        assertNull(hold.hold(A, T, T), "nothing in flight: removed at once");
        busy.set(true);
        assertEquals(Duration.ofSeconds(7), hold.hold(A, T, T.plusSeconds(3)));
        assertNull(hold.hold(B, T, T.plusSeconds(10)), "past its deadline: removed though busy");
        assertEquals(1, hold.size());
        busy.set(false);
        assertNull(hold.hold(A, T, T.plusSeconds(4)), "no longer busy");
        assertEquals(0, hold.size(), "and no longer held");
    }

    @Test
    void releaseHandsOverEveryHeldRunOnceNoneIsInFlight() {
        RemovalHold hold = hold(Duration.ofSeconds(10), 10);
        hold.hold(A, T, T);
        hold.hold(B, T, T);
        hold.hold(C, T, T);
        hold.forget(B);
        assertEquals(List.of(), hold.release(), "still busy: kept");
        busy.set(false);
        assertEquals(List.of(A, C), hold.release());
        assertEquals(List.of(), hold.release());
    }

    @Test
    void noMoreThanItsMostWaitAtOnce() {
        RemovalHold hold = hold(Duration.ofSeconds(10), 2);
        assertEquals(Duration.ofSeconds(10), hold.hold(A, T, T));
        assertEquals(Duration.ofSeconds(10), hold.hold(B, T, T));
        assertNull(hold.hold(C, T, T), "a third goes at once");
        assertEquals(Duration.ofSeconds(9), hold.hold(A, T, T.plusSeconds(1)), "one held already stays held");
    }

    @Test
    void zeroNeverHoldsNorDoesARunThatDidNotFinish() {
        assertNull(hold(Duration.ZERO, 10).hold(A, T, T));
        assertNull(hold(Duration.ofSeconds(10), 10).hold(A, null, T));
    }
}
