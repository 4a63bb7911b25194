package dev.corral.containers;

import dev.corral.events.EventRecorder;
import dev.corral.loop.ObservedState;
import dev.corral.loop.ReconcileMetrics;
import dev.corral.loop.Result;
import dev.corral.ownership.Ownership;
import dev.corral.ownership.ResourceNames;
import dev.corral.runtime.EngineException;
import dev.corral.runtime.Labels;
import dev.corral.runtime.ObservedNetwork;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.store.Query;
import dev.corral.store.SpecStore;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reconciles one Session: observe its network (reserving a subnet in case it must be made), plan
 * ({@link Planner#session}: the network, the TTL, or everything in a gone session), execute, write
 * status.
 */
public final class SessionReconciler extends StatusReporting {

    private static final Logger LOG = Logger.getLogger(SessionReconciler.class);

    private final SpecStore store;
    private final ObservedState observed;
    private final Executor executor;
    private final HealthProber prober;
    private final SubnetPool pool;
    private final Consumer<ObjectKey> enqueue;
    private final Clock clock;

    public SessionReconciler(SpecStore store, ObservedState observed, Executor executor, HealthProber prober,
                             SubnetPool pool, StatusWriter status, ReconcileMetrics metrics,
                             Consumer<ObjectKey> enqueue, Clock clock, EventRecorder events) {
        super(status, events);
        this.store = store;
        this.observed = observed;
        this.executor = executor;
        this.prober = prober;
        this.pool = pool;
        this.enqueue = enqueue;
        this.clock = clock;
        metrics.poolFree(() -> observed.loaded() ? pool.free(subnetsInUse()) : -1);
    }

    @Override
    public Set<Kind> kinds() {
        return Set.of(Kind.Session);
    }

    @Override
    public Result reconcile(ObjectKey key, SpecObject o) {
        String session = key.name();
        ObservedNetwork network = observed.network(ResourceNames.network(session)).orElse(null);
        if (o == null) {
            executor.execute(key, null, Planner.session(null, new SessionObservation(network,
                    null, observed.containersInSession(session), observed.volumesInSession(session)), clock.instant()));
            // Forget what we knew about the session's objects (their keys are already gone from the store).
            observed.containersInSession(session).forEach(c -> prober.stop(Ownership.ownerOf(c.labels())));
            return Result.DONE;
        }
        DesiredSession desired = DesiredSession.of(o);
        // Reserved before planning, so two sessions planned at once never get one subnet; released once the
        // plan has run (the network then shows the subnet as used).
        String subnet = network == null ? pool.allocate(subnetsInUse()) : null;
        Plan plan = Planner.session(desired, SessionObservation.wanted(network, subnet), clock.instant());
        try {
            executor.execute(key, desired.uid(), plan);
        } catch (EngineException e) {
            if (subnet != null && String.valueOf(e.getMessage()).contains("overlap")) {
                LOG.warnf("subnet %s overlaps a network Corral does not own; skipping it", subnet);
                events.warning(key, desired.uid(), "SubnetOverlaps", "subnet " + subnet
                        + " overlaps a network Corral does not own; skipping it");
                pool.refuse(subnet);
                return Result.requeueAfter(Duration.ZERO);
            }
            throw e;
        } finally {
            if (subnet != null) {
                pool.release(subnet);
            }
        }
        if (plan.deletesObject()) {
            enqueue.accept(key);
            return Result.DONE;
        }
        if (network == null && subnet == null) {
            // Repeats (every look until a subnet frees up) fold into one event that counts.
            events.warning(key, desired.uid(), "NetworkPoolExhausted", "no free subnet in the session network pool");
        }
        if (!plan.isEmpty()) {
            // The network is there now: wake the session's relics instead of letting them wait for their next look.
            store.list(new Query(Kind.Relic, session, null, null)).forEach(r -> enqueue.accept(r.key()));
        }
        status.session(o, desired, plan, observed.network(desired.network()).orElse(null),
                network == null && subnet == null);
        return plan.requeueAfter() == null ? Result.DONE : Result.requeueAfter(plan.requeueAfter());
    }

    private Set<String> subnetsInUse() {
        Set<String> inUse = new HashSet<>();
        for (ObservedNetwork n : observed.networks()) {
            if (n.subnet() != null) {
                inUse.add(n.subnet());
            }
            if (n.label(Labels.SUBNET) != null) {
                inUse.add(n.label(Labels.SUBNET));
            }
        }
        return inUse;
    }
}
