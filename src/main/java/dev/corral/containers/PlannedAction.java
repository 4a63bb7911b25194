package dev.corral.containers;

/**
 * One step of a plan: an operation on a named engine resource, and why. The payload carries what
 * the executor needs (a create request, an id); it is left out of {@link #toString()} so plans
 * print stably for golden tests.
 */
public record PlannedAction(Op op, String target, String cause, Object payload) {

    public enum Op {
        CreateNetwork, CreateVolume, CreateContainer, StartContainer, StopContainer, RemoveContainer, RemoveVolume,
        RemoveNetwork, ConnectNetwork
    }

    @Override
    public String toString() {
        return op + " " + target + ": " + cause;
    }
}
