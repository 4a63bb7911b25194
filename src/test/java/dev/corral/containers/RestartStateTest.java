package dev.corral.containers;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RestartStateTest {

    static final Duration BASE = Duration.ofSeconds(10);
    static final Duration MAX = Duration.ofMinutes(5);

    static Duration delay(int crashes) {
        return new RestartState(crashes).delay(BASE, MAX);
    }

    @Test
    void noCrashOrFirstCrashRestartsAtOnce() {
        assertEquals(Duration.ZERO, delay(0));
        assertEquals(Duration.ZERO, delay(1));
        assertEquals(Duration.ZERO, delay(-1));
    }

    @Test
    void secondCrashWaitsBaseThenDoubles() {
        assertEquals(BASE, delay(2));
        assertEquals(BASE.multipliedBy(2), delay(3));
        assertEquals(BASE.multipliedBy(4), delay(4));
        assertEquals(BASE.multipliedBy(8), delay(5));
        assertEquals(BASE.multipliedBy(16), delay(6));
    }

    @Test
    void cappedAtMax() {
        assertEquals(MAX, delay(7)); // 320 s > 300 s
        assertEquals(MAX, delay(20));
    }

    @Test
    void maxBelowBaseWins() {
        assertEquals(Duration.ofSeconds(1), new RestartState(2).delay(BASE, Duration.ofSeconds(1)));
    }

    @Test
    void hugeCountsDoNotOverflow() {
        assertEquals(MAX, delay(31));
        assertEquals(MAX, delay(32));
        assertEquals(MAX, delay(64));
        assertEquals(MAX, delay(1_000_000));
        assertEquals(MAX, delay(Integer.MAX_VALUE));
        Duration dayMax = Duration.ofDays(1);
        assertEquals(dayMax, new RestartState(Integer.MAX_VALUE).delay(Duration.ofHours(1), dayMax));
    }

    @Test
    void monotonic() {
        Duration prev = Duration.ZERO;
        for (int i = 0; i < 100; i++) {
            Duration d = delay(i);
            assertEquals(true, d.compareTo(prev) >= 0, "delay(" + i + ") = " + d + " < " + prev);
            prev = d;
        }
    }
}
