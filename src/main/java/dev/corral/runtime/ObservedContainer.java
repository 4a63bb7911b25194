package dev.corral.runtime;

import java.util.Map;
import java.util.Optional;

/**
 * A container as one list call saw it.
 *
 * @param state    Docker's state word: created, running, paused, restarting, removing, exited, dead
 * @param networks  the networks it is attached to, name to network id; null when not known
 * @param addresses its address on each network as the list saw it, name to IP; null when not known
 */
public record ObservedContainer(String id, String name, Map<String, String> labels, String state,
                                Map<String, String> networks, Map<String, String> addresses) {

    public ObservedContainer(String id, String name, Map<String, String> labels, String state) {
        this(id, name, labels, state, null, null);
    }

    public ObservedContainer(String id, String name, Map<String, String> labels, String state,
                             Map<String, String> networks) {
        this(id, name, labels, state, networks, null);
    }

    /**
     * Its address on {@code network} as listed, so that adopting a probed container after a restart
     * needs no inspect of it; empty when not known (then ask the engine).
     */
    public Optional<String> address(String network) {
        String a = addresses == null ? null : addresses.get(network);
        return a == null || a.isEmpty() ? Optional.empty() : Optional.of(a);
    }

    public boolean running() {
        return "running".equals(state) || "restarting".equals(state);
    }

    /** Its process ended (and was not started again yet). */
    public boolean ended() {
        return "exited".equals(state) || "dead".equals(state);
    }

    /** Frozen by {@code docker pause}: its processes live but do not run. */
    public boolean paused() {
        return "paused".equals(state);
    }

    public String label(String key) {
        return labels.get(key);
    }

    /**
     * In another state: the listed addresses go with a change, since a container started again may be
     * given another address (the engine hands addresses out in turn, not back to the same container).
     */
    public ObservedContainer withState(String newState) {
        return new ObservedContainer(id, name, labels, newState, networks,
                java.util.Objects.equals(state, newState) ? addresses : null);
    }

    /** Attached or detached: its addresses are no longer known from the list (a reconnect may change them). */
    public ObservedContainer withNetworks(Map<String, String> newNetworks) {
        return new ObservedContainer(id, name, labels, state, newNetworks, null);
    }
}
