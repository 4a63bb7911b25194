package dev.corral.containers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.containers.PlannedAction.Op;
import dev.corral.runtime.ContainerDetails;
import dev.corral.runtime.Labels;
import dev.corral.runtime.NetworkRequest;
import dev.corral.runtime.ObservedContainer;
import dev.corral.runtime.ObservedNetwork;
import dev.corral.runtime.ObservedVolume;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code plan(desired, observed) -> Plan}: every decision of the reconcile loop, and nothing
 * else. No engine calls, no clock but the {@code now} it is given; every action names its cause.
 */
public final class Planner {

    /** How often a Relic waiting for its session network looks again, if no event wakes it first. */
    static final Duration NETWORK_WAIT = Duration.ofSeconds(5);

    private Planner() {
    }

    /** Payload of {@link Op#ConnectNetwork}. */
    public record Connect(String containerId, String network, String networkId, List<String> aliases) {
    }

    /**
     * Plans one Relic or Agent.
     *
     * @param desired null when no spec wants the object any more
     * @param probe   null when the object has no health check or no running container is probed yet
     */
    public static Plan container(DesiredContainer desired, ContainerObservation obs, RestartState crash,
                                 ProbeView probe, Instant now, PlannerSettings settings) {
        Plan.Builder plan = Plan.builder();
        if (desired == null) {
            plan.stage(obs.owned().stream().map(c -> remove(c, "no spec wants it")).toList());
            return plan.phase("Terminating", null).build();
        }

        ObservedContainer keeper = null;
        List<PlannedAction> removals = new ArrayList<>();
        String recreateCause = "not found";
        for (ObservedContainer c : obs.owned()) {
            String why = mismatch(desired, c);
            if (why == null && keeper == null) {
                keeper = c;
            } else {
                String cause = why == null ? "duplicate of " + keeper.id().substring(0, Math.min(12, keeper.id().length())) : why;
                removals.add(remove(c, cause));
                if (why != null) {
                    recreateCause = why;
                }
            }
        }
        plan.stage(removals);

        if (keeper == null) {
            if (desired.key().kind() == dev.corral.spec.Kind.Relic && !obs.networkReady()) {
                return plan.phase("Pending", "waiting for session network " + desired.network())
                        .requeueAfter(NETWORK_WAIT).build();
            }
            plan.stage(desired.volumes().entrySet().stream()
                    .filter(v -> !obs.volumes().contains(v.getKey()))
                    .map(v -> new PlannedAction(Op.CreateVolume, v.getKey(), "not found", v.getValue()))
                    .toList());
            plan.then(new PlannedAction(Op.CreateContainer, desired.name(), recreateCause, desired));
            if (desired.wantRunning()) {
                plan.then(new PlannedAction(Op.StartContainer, desired.name(), "created", null));
                return plan.phase("Creating", null).build();
            }
            return plan.phase("Stopped", "state: Stopped").build();
        }

        String id = keeper.id();
        if (keeper.running()) {
            if (!desired.wantRunning()) {
                plan.then(new PlannedAction(Op.StopContainer, desired.name(), "state: Stopped", id));
                return plan.phase("Stopped", "state: Stopped").build();
            }
            if (desired.key().kind() == dev.corral.spec.Kind.Relic && obs.networkId() != null && keeper.networks() != null
                    && !obs.networkId().equals(keeper.networks().get(desired.network()))) {
                // Its network was removed and re-created behind our back: join the new one, under its name.
                plan.then(new PlannedAction(Op.ConnectNetwork, desired.name(), "not attached to " + desired.network(),
                        new Connect(id, desired.network(), obs.networkId(), desired.request().aliases())));
                return plan.phase("Starting", "reconnecting to " + desired.network()).build();
            }
            return running(desired, probe, now, settings, plan, id);
        }

        if (!desired.wantRunning()) {
            return plan.phase("Stopped", "state: Stopped").build();
        }
        if ("created".equals(keeper.state())) {
            plan.then(new PlannedAction(Op.StartContainer, desired.name(), "created but never started", id));
            return plan.phase("Starting", null).build();
        }
        return ended(desired, obs.keeperDetails(), crash, now, settings, plan, id);
    }

    private static Plan running(DesiredContainer desired, ProbeView probe, Instant now, PlannerSettings settings,
                                Plan.Builder plan, String id) {
        JsonNode health = desired.health();
        if (health == null) {
            return plan.phase("Ready", null).build();
        }
        int threshold = health.path("failureThreshold").asInt(3);
        if (probe == null || !id.equals(probe.containerId())) {
            return plan.phase("Starting", "waiting for the first health probe").build();
        }
        if (probe.passed()) {
            if (probe.consecutiveFailures() >= threshold) {
                plan.then(new PlannedAction(Op.StopContainer, desired.name(),
                        "health probe failed " + probe.consecutiveFailures() + " times: " + probe.lastMessage(), id));
                return plan.phase("Unhealthy", "restarting: " + probe.lastMessage()).build();
            }
            if (probe.consecutiveFailures() > 0) {
                return plan.phase("Unhealthy", probe.lastMessage()).build();
            }
            return plan.phase("Ready", null).build();
        }
        Duration startup = Duration.ofSeconds(health.path("startupTimeoutSeconds").asLong(300));
        Instant deadline = probe.since().plus(startup);
        if (!now.isBefore(deadline)) {
            plan.then(new PlannedAction(Op.StopContainer, desired.name(),
                    "not healthy within startupTimeoutSeconds (" + startup.toSeconds() + ")"
                            + (probe.lastMessage() == null ? "" : ": " + probe.lastMessage()), id));
            return plan.phase("Unhealthy", "never became healthy; restarting").build();
        }
        return plan.phase("Starting", probe.lastMessage() == null ? "waiting for the health probe to pass"
                : probe.lastMessage()).requeueAfter(Duration.between(now, deadline)).build();
    }

    private static Plan ended(DesiredContainer desired, ContainerDetails details, RestartState crash, Instant now,
                              PlannerSettings settings, Plan.Builder plan, String id) {
        Long exit = details == null ? null : details.exitCode();
        String how = details == null ? "exited"
                : details.oomKilled() ? "OOM-killed" : "exited with code " + exit;
        String policy = desired.restartPolicy();
        boolean failed = details == null || details.oomKilled() || exit == null || exit != 0;
        if ("Never".equals(policy) || ("OnFailure".equals(policy) && !failed)) {
            return plan.phase(failed ? "Failed" : "Stopped", how + "; restartPolicy " + policy).build();
        }
        Duration delay = crash.delay(settings.backoffBase(), settings.backoffMax());
        Instant finished = details == null || details.finishedAt() == null ? now : details.finishedAt();
        Instant restartAt = finished.plus(delay);
        if (now.isBefore(restartAt)) {
            return plan.phase("CrashLoopBackOff", how + "; restarting in " + Duration.between(now, restartAt).toSeconds()
                    + " s (crash " + crash.consecutiveCrashes() + " in a row)")
                    .requeueAfter(Duration.between(now, restartAt)).build();
        }
        plan.then(new PlannedAction(Op.StartContainer, desired.name(), how + "; restartPolicy " + policy, id));
        return plan.restart().phase("Starting", "restarted: " + how).build();
    }

    /** Why an owned container cannot be kept, or null if it matches the spec. */
    private static String mismatch(DesiredContainer d, ObservedContainer c) {
        if (!d.name().equals(c.name())) {
            return "unexpected name " + c.name();
        }
        String uid = c.label(Labels.UID);
        if (d.uid() != null && uid != null && !d.uid().equals(uid)) {
            return "left by an earlier object of the same name";
        }
        if (!d.hash().equals(c.label(Labels.SPEC_HASH))) {
            return "spec-hash changed";
        }
        if ("dead".equals(c.state()) || "removing".equals(c.state())) {
            return "container is " + c.state();
        }
        return null;
    }

    private static PlannedAction remove(ObservedContainer c, String cause) {
        return new PlannedAction(Op.RemoveContainer, c.name(), cause, c.id());
    }

    /**
     * Plans one Session.
     *
     * @param desiredNetwork the network to create if missing (with its subnet), or null when the
     *                       session is gone; when it is wanted but the pool is exhausted, {@code subnet} is null
     * @param network        the session's network as observed, or null
     * @param containers     every container in the session, of any kind
     * @param volumes        every volume of the session
     */
    public static Plan session(NetworkRequest desiredNetwork, boolean poolExhausted, ObservedNetwork network,
                               List<ObservedContainer> containers, List<ObservedVolume> volumes) {
        Plan.Builder plan = Plan.builder();
        if (desiredNetwork == null) {
            // Gone: containers first (a network with endpoints cannot be removed), then volumes, then the network.
            plan.stage(containers.stream().map(c -> remove(c, "session deleted")).toList());
            plan.stage(volumes.stream().map(v -> new PlannedAction(Op.RemoveVolume, v.name(), "session deleted", null))
                    .toList());
            if (network != null) {
                plan.then(new PlannedAction(Op.RemoveNetwork, network.name(), "session deleted", network.id()));
            }
            return plan.phase("Terminating", null).build();
        }
        if (network != null) {
            return plan.phase("Ready", "network " + network.name()
                    + (network.subnet() == null ? "" : " (" + network.subnet() + ")")).build();
        }
        if (poolExhausted) {
            return plan.phase("Pending", "NetworkPoolExhausted: no free subnet in the session network pool")
                    .requeueAfter(Duration.ofSeconds(30)).build();
        }
        plan.then(new PlannedAction(Op.CreateNetwork, desiredNetwork.name(), "not found", desiredNetwork));
        return plan.phase("Ready", "network " + desiredNetwork.name() + " (" + desiredNetwork.subnet() + ")").build();
    }

}
