package dev.corral.containers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.loop.ObservedState;
import dev.corral.runtime.ContainerDetails;
import dev.corral.runtime.ContainerRuntime;
import dev.corral.runtime.ObservedContainer;
import dev.corral.runtime.ObservedNetwork;
import dev.corral.runtime.ObservedVolume;
import dev.corral.runtime.OwnContainer;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The observe step of a Relic's or Agent's reconcile: gathers everything the planner decides on
 * before it decides anything. From the observed picture (the owned containers, the session
 * network, the volumes); from the engine, how the current container ended (one inspect); from
 * Corral's own memory, the crash history and the health probe's results (starting the probe of a
 * running container, as the kubelet does).
 */
public final class ContainerObserver {

    /**
     * What was observed. {@code stale}: the engine has moved on since the picture was taken (the
     * container is gone, or runs again); the picture is corrected and the object should be looked at
     * again rather than planned from it. {@code justEnded}: the current container's end is seen for the
     * first time (it is told once, however often it is looked at); {@code firstLook}: this process
     * looks at the object for the first time (what it finds was left by an earlier Corral).
     */
    public record Seen(ContainerObservation engine, RestartState crash, ProbeView probe, boolean stale,
                       boolean justEnded, boolean firstLook) {
    }

    private final ObservedState observed;
    private final ContainerRuntime runtime;
    private final HealthProber prober;
    private final CrashTracker crashes;
    private final OwnContainer own;
    private final Set<ObjectKey> looked = ConcurrentHashMap.newKeySet();

    public ContainerObserver(ObservedState observed, ContainerRuntime runtime, HealthProber prober,
                             CrashTracker crashes, OwnContainer own) {
        this.observed = observed;
        this.runtime = runtime;
        this.prober = prober;
        this.crashes = crashes;
        this.own = own;
    }

    /**
     * @param stored its status as stored ({@code restarts}, {@code observedGeneration},
     *               {@code restartsSinceSpec}): the counts carry over a restart of Corral; may be null
     */
    public Seen observe(ObjectKey key, DesiredContainer d, JsonNode stored) {
        crashes.seed(key, stored == null ? 0 : stored.path("restarts").asLong(0),
                stored == null ? -1 : stored.path("observedGeneration").asLong(-1),
                stored == null ? 0 : stored.path("restartsSinceSpec").asLong(0));
        List<ObservedContainer> owned = observed.containersOf(key);
        ObservedContainer keeper = CurrentContainer.among(d, owned).orElse(null);
        String networkId = key.kind() == Kind.Agent ? null
                : observed.network(d.network()).map(ObservedNetwork::id).orElse(null);
        boolean networkReady = key.kind() == Kind.Agent || networkId != null;
        ContainerDetails ended = null;
        boolean justEnded = false;
        RestartState crash = new RestartState(0);
        ProbeView probe = null;
        if (keeper != null && d.wantRunning() && !keeper.running() && !keeper.paused()
                && !"created".equals(keeper.state())) {
            prober.stop(key);
            // The event stream's account of the run when it saw it whole; else the engine's (an inspect).
            ended = observed.lastRuns().ended(keeper)
                    .or(() -> runtime.inspectContainer(keeper.id()).map(observed.lastRuns()::learned))
                    .orElse(null);
            if (ended == null) {
                // Removed since the list: it is missing, which the next look re-creates.
                observed.removeContainer(keeper.id());
                return stale();
            }
            if (ended.running()) {
                // An event moved on since the list: it runs again.
                observed.setState(keeper.id(), "running");
                return stale();
            }
            if (resumed(stored)) {
                // At rest on purpose (state: Stopped, its lifetime out): a start now is the user's, not a
                // restart after a crash; nothing is counted and nothing waits.
                return new Seen(new ContainerObservation(owned, ended, networkReady, observed.volumeNames(), networkId,
                        List.of(), true), new RestartState(0, crashes.restartsSince(key, d.generation())), null, false,
                        false, looked.add(key));
            }
            justEnded = !crashes.counted(key, ended);
            crash = new RestartState(crashes.ended(key, ended).consecutiveCrashes(), crashes.restartsSince(key, d.generation()));
        } else if (keeper != null && keeper.running() && d.health() != null && !d.wantPaused()) {
            // Not probed while paused (or about to be): a frozen container answers nothing. Thawed, it is
            // watched afresh, its startup time counted again.
            probe = probe(key, d, keeper, networkId);
        } else {
            prober.stop(key);
        }
        return new Seen(new ContainerObservation(owned, ended, networkReady, observed.volumeNames(), networkId,
                List.of()), crash, probe, false, justEnded, looked.add(key));
    }

    /** Probes the running current container (from now on, if not yet) and returns what the probes saw. */
    private ProbeView probe(ObjectKey key, DesiredContainer d, ObservedContainer keeper, String networkId) {
        // HTTP and TCP probes go to the container's address: Corral must be on its network (it is, on the host);
        // unless they run inside the container (on Podman).
        boolean byAddress = prober.byAddress(d.health());
        if (!prober.watching(key, keeper.id()) || byAddress && !own.reaches(d.network(), networkId)) {
            if (byAddress) {
                own.join(d.network(), networkId);
            }
            // The listed address when there is one: adopting running containers after a restart costs no
            // engine call each. Exec probes need none.
            String address = !byAddress ? null : keeper.address(d.network()).orElseGet(() -> runtime
                    .inspectContainer(keeper.id()).map(c -> c.ipAddresses().get(d.network())).orElse(null));
            prober.watch(key, d.uid(), keeper.id(), d.health(), address);
        }
        return prober.view(key);
    }

    /**
     * At rest on purpose as its status says (state: Stopped, or its lifetime ran out; kept across a failed
     * try to start it again), not ended by itself: the planner still keeps it stopped while it should be.
     */
    private static boolean resumed(JsonNode stored) {
        return stored != null && stored.hasNonNull(StatusWriter.STOPPED_BY);
    }

    private static Seen stale() {
        return new Seen(null, null, null, true, false, false);
    }

    /** What is left of an object no spec wants; Corral forgets its probes and crash history. */
    public ContainerObservation gone(ObjectKey key) {
        prober.stop(key);
        crashes.forget(key);
        looked.remove(key);
        // observed.volumesOf matches an Agent's volumes by name: a Relic's belong to its session instead.
        List<String> ownVolumes = key.kind() == Kind.Agent
                ? observed.volumesOf(key).stream().map(ObservedVolume::name).toList() : List.of();
        return ContainerObservation.gone(observed.containersOf(key), ownVolumes);
    }

    /** The plan made a new container: its crash streak and probes start over. */
    public void recreated(ObjectKey key) {
        crashes.recreated(key);
        prober.stop(key);
    }

    /** The plan restarted the container that ended: counted in {@code status.restarts} and {@code restartsSinceSpec}. */
    public void restarted(ObjectKey key, long generation) {
        crashes.restarted(key, generation);
    }

    public long restarts(ObjectKey key) {
        return crashes.restarts(key);
    }

    public long restartsSince(ObjectKey key, long generation) {
        return crashes.restartsSince(key, generation);
    }

    /** The container of that name this object owns now (after the plan ran), if any. */
    public Optional<ObservedContainer> current(ObjectKey key, String name) {
        return observed.containersOf(key).stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** Stops every probe, for good. */
    public void shutdown() {
        prober.shutdown();
    }
}
