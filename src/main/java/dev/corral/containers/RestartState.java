package dev.corral.containers;

import dev.corral.loop.Backoff;

import java.time.Duration;

/**
 * The crash history the planner needs, kept by {@link CrashTracker}.
 *
 * @param consecutiveCrashes crashes in a row, counting the one being looked at (0 if none)
 */
public record RestartState(int consecutiveCrashes) {

    /** Kubelet-style crash-loop delay: the first restart at once, then base, doubling, capped. */
    public Duration delay(Duration base, Duration max) {
        return new Backoff(base, max).delay(consecutiveCrashes - 1);
    }
}
