package dev.corral.containers;

import dev.corral.runtime.ContainerDetails;
import dev.corral.runtime.ObservedContainer;

import java.util.List;
import java.util.Set;

/**
 * What the engine holds for one Relic or Agent, gathered before planning.
 *
 * @param owned         containers whose labels name this object
 * @param keeperDetails inspect of the current container when it has ended (how it ended), else null
 * @param networkReady  whether the session network exists (always true for agents)
 * @param volumes       names of the volumes that exist
 * @param networkId     the session network's id as observed, or null
 * @param ownVolumes    volumes that belong to this object alone (an Agent's; a Relic's belong to its session)
 * @param resume        its stopped container is to be started as the user's start (it was at rest on purpose,
 *                      not ended by itself), not restarted as after a crash
 */
public record ContainerObservation(List<ObservedContainer> owned, ContainerDetails keeperDetails,
                                   boolean networkReady, Set<String> volumes, String networkId,
                                   List<String> ownVolumes, boolean resume) {

    public ContainerObservation(List<ObservedContainer> owned, ContainerDetails keeperDetails, boolean networkReady,
                                Set<String> volumes, String networkId, List<String> ownVolumes) {
        this(owned, keeperDetails, networkReady, volumes, networkId, ownVolumes, false);
    }

    public ContainerObservation(List<ObservedContainer> owned, ContainerDetails keeperDetails, boolean networkReady,
                                Set<String> volumes) {
        this(owned, keeperDetails, networkReady, volumes, null, List.of());
    }

    /** What is left of an object no spec wants any more. */
    public static ContainerObservation gone(List<ObservedContainer> owned, List<String> ownVolumes) {
        return new ContainerObservation(owned, null, true, Set.of(), null, ownVolumes);
    }
}
