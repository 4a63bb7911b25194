package dev.corral.containers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.loop.ReconcileMetrics;
import dev.corral.runtime.ContainerDetails;
import dev.corral.runtime.ObservedContainer;
import dev.corral.runtime.ObservedNetwork;
import dev.corral.spec.Json;
import dev.corral.spec.SpecObject;
import dev.corral.spec.model.Phase;
import dev.corral.store.SpecStore;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * The one place the status of Sessions, Relics and Agents is built and written: after a plan ran,
 * and after a failed reconcile. The store leaves an unchanged status unwritten, so this may run on
 * every reconcile.
 */
public final class StatusWriter {

    /**
     * Why a Stopped object is at rest on purpose: {@code state} (its spec says Stopped) or {@code lifetime} (its
     * lifetime ran out); absent when it ended by itself. Starting such an object again is the user's start,
     * not a restart after a crash.
     */
    static final String STOPPED_BY = "stoppedBy";

    /** What a failure keeps of the last status: what is still known of the container and network. */
    private static final List<String> KEPT_ON_FAILURE = List.of("containerId", "containerName", "internalUrl",
            "restarts", "restartsSinceSpec", "lastTermination", "network", "subnet", "startedAt", "stoppedAt",
            STOPPED_BY);


    private final SpecStore store;
    private final Clock clock;
    private final ReconcileMetrics metrics;

    public StatusWriter(SpecStore store, Clock clock, ReconcileMetrics metrics) {
        this.store = store;
        this.clock = clock;
        this.metrics = metrics;
    }

    /**
     * @param current the container after the plan ran, or null
     * @param ended   how the current container ended, when it did
     */
    public void container(SpecObject o, DesiredContainer d, Plan plan, ObservedContainer current, long restarts,
                          long restartsSinceSpec, ContainerDetails ended) {
        StatusBuilder sb = planned(o, plan, d.generation());
        if (current != null) {
            sb.put("containerId", current.id()).put("containerName", current.name());
        }
        sb.put("internalUrl", d.internalUrl());
        sb.put("restarts", restarts);
        sb.put("restartsSinceSpec", restartsSinceSpec);
        sb.put("lastTermination", ended != null ? termination(ended) : sb.previous("lastTermination"));
        times(sb, plan, current, ended);
        if (plan.phase() == Phase.Stopped) {
            Instant now = clock.instant();
            boolean expired = d.expiresAt() != null && !now.isBefore(d.expiresAt());
            sb.put(STOPPED_BY, !d.wantRunning() ? "state" : expired ? "lifetime" : null);
        }
        write(o, sb.build(), plan.phase());
    }

    /**
     * {@code startedAt}: when Corral last started the current container (kept while it is the same one);
     * {@code stoppedAt}: when it last stopped (from the engine when it ended by itself), cleared by a start.
     */
    private void times(StatusBuilder sb, Plan plan, ObservedContainer current, ContainerDetails ended) {
        String now = clock.instant().toString();
        boolean started = plan.actions().stream().anyMatch(a -> a instanceof PlannedAction.StartContainer);
        boolean stopped = plan.actions().stream().anyMatch(a -> a instanceof PlannedAction.StopContainer);
        JsonNode previousId = sb.previous("containerId");
        boolean same = current != null && previousId != null && current.id().equals(previousId.asText());
        if (started) {
            sb.put("startedAt", now);
            return;
        }
        if (same) {
            sb.put("startedAt", sb.previous("startedAt"));
        } else if (ended != null && ended.startedAt() != null) {
            sb.put("startedAt", ended.startedAt().toString());
        }
        if (stopped) {
            sb.put("stoppedAt", now);
        } else if (ended != null && ended.finishedAt() != null) {
            sb.put("stoppedAt", ended.finishedAt().toString());
        } else if (same && (current == null || !current.running())) {
            sb.put("stoppedAt", sb.previous("stoppedAt"));
        }
    }

    /**
     * @param network   the session's network after the plan ran, or null
     * @param exhausted no subnet was free for a network that is missing
     */
    public void session(SpecObject o, DesiredSession desired, Plan plan, ObservedNetwork network, boolean exhausted) {
        StatusBuilder sb = planned(o, plan, desired.generation());
        if (exhausted) {
            sb.condition("NetworkPoolExhausted", true, "NetworkPoolExhausted", plan.message());
        }
        if (network != null) {
            // The engine's IPAM, else the subnet Corral gave it (its label): Podman may list a network without IPAM.
            sb.put("network", network.name()).put("subnet", network.subnet() != null ? network.subnet()
                    : network.label(dev.corral.runtime.Labels.SUBNET));
            if (network.internal() != desired.spec().internalNetwork()) {
                sb.put("message", "network.internal is fixed when the session's network is created; "
                        + "delete and re-create the session to change it");
            }
        }
        if (desired.expiresAt() != null) {
            sb.put("expiresAt", desired.expiresAt().toString());
        }
        // Sessions have no phase metric: they are counted by the subnet pool instead.
        store.updateStatus(o.key(), sb.build());
    }

    /** A failed reconcile: Pending (retried) or Failed (terminal), keeping what is known of the container. */
    public void failure(SpecObject o, boolean terminal, String reason, String message) {
        Phase phase = terminal ? Phase.Failed : Phase.Pending;
        StatusBuilder sb = new StatusBuilder(o.status(), clock.instant(), phase.name(), message, generation(o));
        sb.condition("Ready", false, reason, message);
        if (o.status() != null) {
            KEPT_ON_FAILURE.forEach(field -> sb.put(field, o.status().get(field)));
        }
        write(o, sb.build(), phase);
    }

    private StatusBuilder planned(SpecObject o, Plan plan, long generation) {
        StatusBuilder sb = new StatusBuilder(o.status(), clock.instant(), plan.phase().name(), plan.message(),
                generation);
        boolean ready = plan.phase() == Phase.Ready;
        sb.condition("Ready", ready, plan.phase().name(), ready ? null : plan.message());
        return sb;
    }

    private void write(SpecObject o, ObjectNode status, Phase phase) {
        store.updateStatus(o.key(), status);
        metrics.phase(o.key(), phase);
    }

    private static long generation(SpecObject o) {
        return o.metadata().generation() == null ? 0 : o.metadata().generation();
    }

    private static JsonNode termination(ContainerDetails d) {
        ObjectNode t = Json.MAPPER.createObjectNode();
        if (d.exitCode() != null) {
            t.put("exitCode", d.exitCode());
        }
        t.put("reason", d.oomKilled() ? "OOMKilled" : d.exitCode() != null && d.exitCode() == 0 ? "Completed" : "Error");
        t.put("oomKilled", d.oomKilled());
        if (d.finishedAt() != null) {
            t.put("finishedAt", d.finishedAt().toString());
        }
        if (d.error() != null) {
            t.put("message", d.error());
        }
        return t;
    }
}
