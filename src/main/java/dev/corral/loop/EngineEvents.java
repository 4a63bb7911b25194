package dev.corral.loop;

import dev.corral.ownership.Ownership;
import dev.corral.ownership.ResourceNames;
import dev.corral.runtime.Labels;
import dev.corral.runtime.ObservedContainer;
import dev.corral.runtime.OwnContainer;
import dev.corral.runtime.RuntimeEvent;
import dev.corral.spec.ObjectKey;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What one engine event means for the loop: it patches the {@link ObservedState} and names the keys
 * to enqueue. No engine and no queue here, so every mapping is checked by a plain unit test; the
 * {@link Controller} only adds the returned keys to its queue.
 */
public final class EngineEvents {

    private final ObservedState observed;
    private final OwnContainer own;
    private final Function<String, ObjectKey> claimant;

    /** @param claimant the object a container's events concern when its labels do not say (a claimed warm container's run) */
    public EngineEvents(ObservedState observed, OwnContainer own, Function<String, ObjectKey> claimant) {
        this.observed = observed;
        this.own = own;
        this.claimant = claimant;
    }

    /** Records the event in the observed state; returns the keys to enqueue, in order. */
    public List<ObjectKey> apply(RuntimeEvent e) {
        return "network".equals(e.type()) ? network(e) : container(e);
    }

    private List<ObjectKey> network(RuntimeEvent e) {
        List<ObjectKey> keys = new ArrayList<>();
        String container = e.attributes().get("container");
        String name = e.attributes().getOrDefault("name", "");
        if (own.is(container) && "disconnect".equals(e.action())) {
            // Corral's own container was cut off a network it probes on: its objects there join it again.
            own.forget(name, e.actorId());
            observed.containers().stream().filter(c -> c.networks() != null && c.networks().containsKey(name))
                    .map(c -> Ownership.ownerOf(c.labels())).filter(Objects::nonNull).forEach(keys::add);
            return keys;
        }
        // Network events come for every network on the engine: only those touching our containers matter.
        if (container != null && observed.container(container).isPresent()
                && ("connect".equals(e.action()) || "disconnect".equals(e.action()))) {
            observed.setNetwork(container, name, "connect".equals(e.action()) ? e.actorId() : null);
            observed.container(container).map(c -> Ownership.ownerOf(c.labels())).ifPresent(keys::add);
        }
        if ("destroy".equals(e.action())) {
            observed.removeNetworkById(e.actorId());
            own.forget(e.attributes().get("name"), e.actorId());
            ResourceNames.sessionOfNetwork(name).ifPresent(keys::add);
        }
        return keys;
    }

    private List<ObjectKey> container(RuntimeEvent e) {
        Map<String, String> labels = new HashMap<>();
        e.attributes().forEach((k, v) -> {
            if (k.startsWith("corral.dev/")) {
                labels.put(k, v);
            }
        });
        // A claimed warm container still carries its pool's labels; its run is what its events concern.
        ObjectKey claimed = claimant.apply(e.actorId());
        ObjectKey owner = claimed != null ? claimed : Ownership.ownerOf(labels);
        String action = e.action() == null ? "" : e.action();
        switch (action.startsWith("health_status") ? "health_status" : action) {
            case "die" -> {
                // The run's end first: a reconcile that sees "exited" then finds how it ended.
                observed.lastRuns().died(e.actorId(), e.attributes().get("exitCode"), e.at());
                observed.setState(e.actorId(), "exited");
            }
            case "start" -> {
                observed.lastRuns().started(e.actorId(), e.at());
                observed.setState(e.actorId(), "running");
            }
            case "unpause" -> observed.setState(e.actorId(), "running");
            case "pause" -> observed.setState(e.actorId(), "paused");
            case "destroy" -> observed.removeContainer(e.actorId());
            case "create" -> {
                if (observed.container(e.actorId()).isEmpty() && Labels.managed(labels)) {
                    observed.put(new ObservedContainer(e.actorId(), e.attributes().getOrDefault("name", e.actorId()),
                            labels, "created"));
                }
            }
            case "oom" -> observed.lastRuns().oomKilled(e.actorId());
            case "kill", "stop", "health_status" -> {
                // state follows with die; enqueue so status is fresh
            }
            default -> {
                return List.of();
            }
        }
        return owner == null ? List.of() : List.of(owner);
    }
}
