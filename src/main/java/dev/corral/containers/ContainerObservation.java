package dev.corral.containers;

import dev.corral.runtime.ContainerDetails;
import dev.corral.runtime.ObservedContainer;

import java.util.List;
import java.util.Set;

/**
 * What the engine holds for one Relic or Agent, gathered before planning.
 *
 * @param owned         containers whose labels name this object
 * @param keeperDetails inspect of the container that matches the spec, when it is not running (how it ended)
 * @param networkReady  whether the session network exists (always true for agents)
 * @param volumes       names of the volumes that exist
 * @param networkId     the session network's id as observed, or null
 */
public record ContainerObservation(List<ObservedContainer> owned, ContainerDetails keeperDetails,
                                   boolean networkReady, Set<String> volumes, String networkId) {

    public ContainerObservation(List<ObservedContainer> owned, ContainerDetails keeperDetails, boolean networkReady,
                                Set<String> volumes) {
        this(owned, keeperDetails, networkReady, volumes, null);
    }
}
