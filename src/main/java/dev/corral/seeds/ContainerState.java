package dev.corral.seeds;

import dev.corral.spec.SpecObject;
import dev.corral.spec.model.Phase;

/**
 * An object's phase in the words of {@code docker ps}, which the seeds answer with: {@code created}
 * (declared, no container running yet), {@code running}, {@code restarting} (waiting to restart), {@code paused},
 * {@code exited} (stopped or failed), {@code removing} (being deleted).
 */
public final class ContainerState {

    private ContainerState() {
    }

    public static String of(SpecObject o) {
        Phase p = Phase.ofStatus(o.status());
        if (p == null) {
            return "created";
        }
        return switch (p) {
            case Pending, Creating -> "created";
            case Starting, Ready, Unhealthy -> "running";
            case CrashLoopBackOff -> "restarting";
            case Paused -> "paused";
            case Stopped, Failed -> "exited";
            case Terminating -> "removing";
        };
    }

    /** Whether the object's container runs and, if it has a probe, passes it. */
    public static boolean healthy(SpecObject o) {
        return Phase.ofStatus(o.status()) == Phase.Ready;
    }
}
