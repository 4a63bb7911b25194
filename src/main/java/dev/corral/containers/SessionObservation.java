package dev.corral.containers;

import dev.corral.runtime.ObservedContainer;
import dev.corral.runtime.ObservedNetwork;
import dev.corral.runtime.ObservedVolume;

import java.util.List;

/**
 * What the engine holds for one Session, gathered before planning.
 *
 * @param network    the session's network as observed, or null
 * @param freeSubnet a subnet reserved for the network if it must be created; null when the network
 *                   exists or the pool is exhausted
 * @param containers every container in the session, of any kind (looked at only once it is gone)
 * @param volumes    every volume of the session (likewise)
 */
public record SessionObservation(ObservedNetwork network, String freeSubnet, List<ObservedContainer> containers,
                                 List<ObservedVolume> volumes) {

    /** A session that is wanted: its network is all that matters. */
    public static SessionObservation wanted(ObservedNetwork network, String freeSubnet) {
        return new SessionObservation(network, freeSubnet, List.of(), List.of());
    }
}
