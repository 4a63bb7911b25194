package dev.corral.containers;

import dev.corral.containers.PlannedAction.ConnectNetwork;
import dev.corral.containers.PlannedAction.CreateContainer;
import dev.corral.containers.PlannedAction.CreateNetwork;
import dev.corral.containers.PlannedAction.CreateVolume;
import dev.corral.containers.PlannedAction.ExpireSession;
import dev.corral.containers.PlannedAction.PauseContainer;
import dev.corral.containers.PlannedAction.RemoveContainer;
import dev.corral.containers.PlannedAction.RemoveNetwork;
import dev.corral.containers.PlannedAction.RemoveVolume;
import dev.corral.containers.PlannedAction.StartContainer;
import dev.corral.containers.PlannedAction.StopContainer;
import dev.corral.containers.PlannedAction.UnpauseContainer;
import dev.corral.ownership.Ownership;
import dev.corral.runtime.ContainerDetails;
import dev.corral.runtime.NetworkRequest;
import dev.corral.runtime.ObservedContainer;
import dev.corral.runtime.ObservedNetwork;
import dev.corral.spec.Kind;
import dev.corral.spec.model.HealthSpec;
import dev.corral.spec.model.Phase;
import dev.corral.spec.model.RelicSpec.RestartPolicy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code plan(desired, observed) -> Plan}: every decision of the reconcile loop, and nothing
 * else. No engine calls, no clock but the {@code now} it is given; every action names its cause.
 */
public final class Planner {

    /** How often a Relic waiting for its session network looks again, if no event wakes it first. */
    static final Duration NETWORK_WAIT = Duration.ofSeconds(5);

    /** How often a Session waiting for a free subnet looks again. */
    static final Duration POOL_WAIT = Duration.ofSeconds(30);

    private Planner() {
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
            // An Agent's volumes are its own: they go with it, once no container uses them.
            plan.stage(obs.ownVolumes().stream().map(v -> (PlannedAction) new RemoveVolume(v, "no spec wants it"))
                    .toList());
            return plan.phase(Phase.Terminating, null).build();
        }

        // A lifetime that ran out stops the object for good, as state: Stopped does, until its spec gives it more.
        boolean expired = desired.expiresAt() != null && !now.isBefore(desired.expiresAt());
        boolean wantRunning = desired.wantRunning() && !expired;
        String stopped = expired ? "its lifetime ran out at " + desired.expiresAt() : "state: Stopped";
        Plan p = containerPlan(desired, obs, crash, probe, now, settings, plan, wantRunning, stopped);
        if (wantRunning && desired.expiresAt() != null) {
            Duration left = Duration.between(now, desired.expiresAt());
            if (p.requeueAfter() == null || p.requeueAfter().compareTo(left) > 0) {
                p = new Plan(p.stages(), p.phase(), p.message(), left, p.restart());
            }
        }
        return p;
    }

    private static Plan containerPlan(DesiredContainer desired, ContainerObservation obs, RestartState crash,
                                      ProbeView probe, Instant now, PlannerSettings settings, Plan.Builder plan,
                                      boolean wantRunning, String stopped) {
        ObservedContainer keeper = CurrentContainer.among(desired, obs.owned()).orElse(null);
        List<PlannedAction> removals = new ArrayList<>();
        String recreateCause = "not found";
        for (ObservedContainer c : obs.owned()) {
            if (c == keeper) {
                continue;
            }
            String why = CurrentContainer.mismatch(desired, c);
            removals.add(remove(c, why == null ? "duplicate of " + shortId(keeper.id()) : why));
            if (why != null) {
                recreateCause = why;
            }
        }
        plan.stage(removals);

        if (keeper == null) {
            return create(desired, obs, recreateCause, plan, wantRunning, stopped);
        }
        String id = keeper.id();
        if (keeper.paused()) {
            return paused(desired, probe, now, plan, id, wantRunning, stopped);
        }
        if (keeper.running()) {
            if (!wantRunning) {
                plan.then(new StopContainer(desired.name(), id, stopped));
                return plan.phase(Phase.Stopped, stopped).build();
            }
            if (desired.key().kind() == Kind.Relic && obs.networkId() != null && keeper.networks() != null
                    && !obs.networkId().equals(keeper.networks().get(desired.network()))) {
                // Its network was removed and re-created behind our back: join the new one, under its name.
                plan.then(new ConnectNetwork(desired.name(), id, desired.network(), obs.networkId(),
                        desired.request().aliases(), "not attached to " + desired.network()));
                return plan.phase(Phase.Starting, "reconnecting to " + desired.network()).build();
            }
            if (desired.wantPaused()) {
                plan.then(new PauseContainer(desired.name(), id, "state: Paused"));
                return plan.phase(Phase.Paused, "state: Paused").build();
            }
            return running(desired, probe, now, plan, id);
        }

        if (!wantRunning) {
            return plan.phase(Phase.Stopped, stopped).build();
        }
        if ("created".equals(keeper.state())) {
            plan.then(new StartContainer(desired.name(), id, "created but never started"));
            return plan.phase(Phase.Starting, null).build();
        }
        if (obs.resume()) {
            plan.then(new StartContainer(desired.name(), id, "state: Running"));
            return plan.phase(Phase.Starting, null).build();
        }
        return ended(desired, obs.keeperDetails(), crash, now, settings, plan, id);
    }

    /** A frozen container stays so while the spec says Paused; thawed to run, thawed and stopped to stop. */
    private static Plan paused(DesiredContainer desired, ProbeView probe, Instant now, Plan.Builder plan, String id,
                               boolean wantRunning, String stopped) {
        if (wantRunning && desired.wantPaused()) {
            return plan.phase(Phase.Paused, "state: Paused").build();
        }
        // Thawed first: a frozen process cannot act on the stop signal within the grace period.
        plan.then(new UnpauseContainer(desired.name(), id, wantRunning ? "state: Running" : stopped));
        if (!wantRunning) {
            plan.then(new StopContainer(desired.name(), id, stopped));
            return plan.phase(Phase.Stopped, stopped).build();
        }
        return running(desired, probe, now, plan, id);
    }

    private static Plan create(DesiredContainer desired, ContainerObservation obs, String cause, Plan.Builder plan,
                               boolean wantRunning, String stopped) {
        if (desired.key().kind() == Kind.Relic && !obs.networkReady()) {
            return plan.phase(Phase.Pending, "waiting for session network " + desired.network())
                    .requeueAfter(NETWORK_WAIT).build();
        }
        plan.stage(desired.volumes().entrySet().stream()
                .filter(v -> !obs.volumes().contains(v.getKey()))
                .map(v -> (PlannedAction) new CreateVolume(v.getKey(), v.getValue(), "not found"))
                .toList());
        plan.then(new CreateContainer(desired, cause));
        if (wantRunning) {
            plan.then(new StartContainer(desired.name(), null, "created"));
            return plan.phase(Phase.Creating, null).build();
        }
        return plan.phase(Phase.Stopped, stopped).build();
    }

    private static Plan running(DesiredContainer desired, ProbeView probe, Instant now, Plan.Builder plan, String id) {
        HealthSpec health = desired.health();
        if (health == null) {
            return plan.phase(Phase.Ready, null).build();
        }
        if (probe == null || !id.equals(probe.containerId())) {
            return plan.phase(Phase.Starting, "waiting for the first health probe").build();
        }
        if (probe.passed()) {
            if (probe.consecutiveFailures() >= health.failureThreshold()) {
                plan.then(new StopContainer(desired.name(), id,
                        "health probe failed " + probe.consecutiveFailures() + " times: " + probe.lastMessage()));
                return plan.phase(Phase.Unhealthy, "restarting: " + probe.lastMessage()).build();
            }
            if (probe.consecutiveFailures() > 0) {
                return plan.phase(Phase.Unhealthy, probe.lastMessage()).build();
            }
            return plan.phase(Phase.Ready, null).build();
        }
        Duration startup = Duration.ofSeconds(health.startupTimeoutSeconds());
        Instant deadline = probe.since().plus(startup);
        if (!now.isBefore(deadline)) {
            plan.then(new StopContainer(desired.name(), id,
                    "not healthy within startupTimeoutSeconds (" + startup.toSeconds() + ")"
                            + (probe.lastMessage() == null ? "" : ": " + probe.lastMessage())));
            return plan.phase(Phase.Unhealthy, "never became healthy; restarting").build();
        }
        return plan.phase(Phase.Starting, probe.lastMessage() == null ? "waiting for the health probe to pass"
                : probe.lastMessage()).requeueAfter(Duration.between(now, deadline)).build();
    }

    private static Plan ended(DesiredContainer desired, ContainerDetails details, RestartState crash, Instant now,
                              PlannerSettings settings, Plan.Builder plan, String id) {
        Long exit = details == null ? null : details.exitCode();
        String how = details == null ? "exited"
                : details.oomKilled() ? "OOM-killed" : "exited with code " + exit;
        RestartPolicy policy = desired.restartPolicy();
        boolean failed = details == null || details.oomKilled() || exit == null || exit != 0;
        if (policy == RestartPolicy.Never || (policy == RestartPolicy.OnFailure && !failed)) {
            return plan.phase(failed ? Phase.Failed : Phase.Stopped, how + "; restartPolicy " + policy).build();
        }
        Integer max = desired.maxRestarts();
        if (max != null && crash.restartsSinceSpec() >= max) {
            return plan.phase(Phase.Failed, how + "; restarted " + crash.restartsSinceSpec() + " times since its spec last"
                    + " changed, maxRestarts " + max + " (a change of the spec starts over)").build();
        }
        Duration delay = crash.delay(settings.backoffBase(), settings.backoffMax());
        Instant finished = details == null || details.finishedAt() == null ? now : details.finishedAt();
        Instant restartAt = finished.plus(delay);
        if (now.isBefore(restartAt)) {
            return plan.phase(Phase.CrashLoopBackOff, how + "; restarting in "
                            + Duration.between(now, restartAt).toSeconds() + " s (crash " + crash.consecutiveCrashes()
                            + " in a row)")
                    .requeueAfter(Duration.between(now, restartAt)).build();
        }
        plan.then(new StartContainer(desired.name(), id, how + "; restartPolicy " + policy));
        return plan.restart().phase(Phase.Starting, "restarted: " + how).build();
    }

    private static String shortId(String id) {
        return id.substring(0, Math.min(12, id.length()));
    }

    private static PlannedAction remove(ObservedContainer c, String cause) {
        return new RemoveContainer(c.name(), c.id(), cause);
    }

    /**
     * Plans one Session: its network while it is wanted and has not expired; when it is gone, everything
     * in it (containers first, since a network with endpoints cannot be removed, then volumes, then the
     * network).
     *
     * @param desired null when the session is gone
     */
    public static Plan session(DesiredSession desired, SessionObservation obs, Instant now) {
        Plan.Builder plan = Plan.builder();
        ObservedNetwork network = obs.network();
        if (desired == null) {
            plan.stage(obs.containers().stream().map(c -> remove(c, "session deleted")).toList());
            plan.stage(obs.volumes().stream().map(v -> (PlannedAction) new RemoveVolume(v.name(), "session deleted"))
                    .toList());
            if (network != null) {
                plan.then(new RemoveNetwork(network.name(), network.id(), "session deleted"));
            }
            return plan.phase(Phase.Terminating, null).build();
        }
        Instant expires = desired.expiresAt();
        if (expires != null && !now.isBefore(expires)) {
            plan.then(new ExpireSession(desired.key(), desired.source(),
                    "expired (ttlSeconds " + desired.spec().ttlSeconds() + ")"));
            return plan.phase(Phase.Terminating, "expired").build();
        }
        Duration untilExpiry = expires == null ? null : Duration.between(now, expires);
        if (network != null) {
            return plan.phase(Phase.Ready, "network " + network.name()
                    + (network.subnet() == null ? "" : " (" + network.subnet() + ")")).requeueAfter(untilExpiry).build();
        }
        if (obs.freeSubnet() == null) {
            return plan.phase(Phase.Pending, "NetworkPoolExhausted: no free subnet in the session network pool")
                    .requeueAfter(POOL_WAIT).build();
        }
        NetworkRequest want = new NetworkRequest(desired.network(), desired.spec().internalNetwork(), obs.freeSubnet(),
                Ownership.network(desired.key().name(), desired.uid(), obs.freeSubnet()));
        plan.then(new CreateNetwork(want, "not found"));
        return plan.phase(Phase.Ready, "network " + want.name() + " (" + want.subnet() + ")")
                .requeueAfter(untilExpiry).build();
    }
}
