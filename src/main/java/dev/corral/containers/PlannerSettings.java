package dev.corral.containers;

import java.time.Duration;

/** The knobs the planner reads: crash-loop backoff and the stop grace period. */
public record PlannerSettings(Duration backoffBase, Duration backoffMax, Duration stopGrace) {
}
