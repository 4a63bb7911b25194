package dev.corral.containers;

import dev.corral.loop.Backoff;

import java.time.Duration;

/**
 * The crash history the planner needs, kept by {@link CrashTracker}.
 *
 * @param consecutiveCrashes crashes in a row, counting the one being looked at (0 if none)
 * @param restartsSinceSpec  restarts made since the spec last changed ({@code maxRestarts} counts these)
 */
public record RestartState(int consecutiveCrashes, long restartsSinceSpec) {

    public RestartState(int consecutiveCrashes) {
        this(consecutiveCrashes, 0);
    }

    /** Kubelet-style crash-loop delay: the first restart at once, then base, doubling, capped. */
    public Duration delay(Duration base, Duration max) {
        return new Backoff(base, max).delay(consecutiveCrashes - 1);
    }
}
