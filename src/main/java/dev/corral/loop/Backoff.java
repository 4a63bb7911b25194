package dev.corral.loop;

import java.time.Duration;

/**
 * Exponential backoff: {@code base × 2^(step - 1)}, capped at {@code max}. The one formula behind the
 * work queue's retry delay and the crash-loop delay of restarts (which starts one step later: its
 * first restart is immediate).
 */
public record Backoff(Duration base, Duration max) {

    /** The delay before attempt {@code step} (1 = the first retry); zero or less gives zero. */
    public Duration delay(int step) {
        if (step <= 0) {
            return Duration.ZERO;
        }
        int doublings = Math.min(step - 1, 30);
        Duration d = base.multipliedBy(1L << doublings);
        return d.compareTo(max) > 0 || step - 1 >= 30 ? max : d;
    }
}
