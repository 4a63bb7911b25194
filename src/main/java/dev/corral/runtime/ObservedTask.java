package dev.corral.runtime;

import java.time.Instant;

/**
 * One task of a service: one attempt at running its container on a node.
 *
 * @param state        Swarm's state: new, pending, assigned, accepted, preparing, starting, running,
 *                     complete, shutdown, failed, rejected, remove, orphaned
 * @param desiredState running while Swarm wants it, ready while it waits out the restart delay, shutdown once
 *                     it has been replaced or stopped
 * @param message      Swarm's word on the state, {@code err} when it failed (else its message)
 * @param containerId  its container on its node, or null before it has one
 * @param exitCode     how its container ended, or null
 * @param labels       its container's labels, as the service's spec said when Swarm made the task
 */
public record ObservedTask(String id, String serviceId, String nodeId, String state, String desiredState,
                           String message, String containerId, Integer exitCode, Instant createdAt,
                           java.util.Map<String, String> labels) {

    public boolean wanted() {
        return "running".equals(desiredState);
    }

    /** Made to replace an ended task, waiting out the restart delay before Swarm starts it. */
    public boolean delayed() {
        return "ready".equals(desiredState);
    }

    /** Ended for good: it will not run again (Swarm starts another task instead, if it restarts). */
    public boolean ended() {
        return switch (state) {
            case "complete", "shutdown", "failed", "rejected", "remove", "orphaned" -> true;
            default -> false;
        };
    }
}
