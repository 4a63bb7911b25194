package dev.corral.containers;

import dev.corral.runtime.NetworkRequest;
import dev.corral.spec.ObjectKey;

import java.util.List;
import java.util.Map;

/**
 * One step of a plan: an operation on a named resource, why, and exactly what the executor needs
 * to carry it out. {@link #describe()} leaves the ids and requests out, so plans print stably for
 * golden tests.
 */
public sealed interface PlannedAction {

    /** The name of the resource acted on. */
    String target();

    /** Why the planner wants this step. */
    String cause();

    default String describe() {
        return getClass().getSimpleName() + " " + target() + ": " + cause();
    }

    record CreateNetwork(NetworkRequest request, String cause) implements PlannedAction {
        public String target() {
            return request.name();
        }
    }

    record CreateVolume(String target, Map<String, String> labels, String cause) implements PlannedAction {
    }

    record CreateContainer(DesiredContainer container, String cause) implements PlannedAction {
        public String target() {
            return container.name();
        }
    }

    /** @param containerId null: the container an earlier step of the same plan created */
    record StartContainer(String target, String containerId, String cause) implements PlannedAction {
    }

    record StopContainer(String target, String containerId, String cause) implements PlannedAction {
    }

    /** Freezes a running container's processes in place ({@code docker pause}). */
    record PauseContainer(String target, String containerId, String cause) implements PlannedAction {
    }

    record UnpauseContainer(String target, String containerId, String cause) implements PlannedAction {
    }

    record RemoveContainer(String target, String containerId, String cause) implements PlannedAction {
    }

    record RemoveVolume(String target, String cause) implements PlannedAction {
    }

    /** Joins a running container to a network, under its aliases there. */
    record ConnectNetwork(String target, String containerId, String network, String networkId, List<String> aliases,
                          String cause) implements PlannedAction {
    }

    record RemoveNetwork(String target, String networkId, String cause) implements PlannedAction {
    }

    /** Deletes a Session whose TTL ran out from the store; the store's cascade and the next looks do the rest. */
    record ExpireSession(ObjectKey key, String source, String cause) implements PlannedAction {
        public String target() {
            return key.describe();
        }
    }
}
