package dev.corral.reconcile;

import java.time.Duration;

/**
 * The crash history the planner needs, kept by {@link CrashTracker}.
 *
 * @param consecutiveCrashes crashes in a row, counting the one being looked at (0 if none)
 */
public record RestartState(int consecutiveCrashes) {

    /** Kubelet-style crash-loop delay: the first restart at once, then base, doubling, capped. */
    public Duration delay(Duration base, Duration max) {
        if (consecutiveCrashes <= 1) {
            return Duration.ZERO;
        }
        int doublings = Math.min(consecutiveCrashes - 2, 30);
        Duration d = base.multipliedBy(1L << doublings);
        return d.compareTo(max) > 0 ? max : d;
    }
}
