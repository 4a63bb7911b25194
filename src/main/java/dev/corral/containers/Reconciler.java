package dev.corral.containers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.loop.KindReconciler;
import dev.corral.loop.ObservedState;
import dev.corral.loop.Readiness;
import dev.corral.loop.ReconcileException;
import dev.corral.loop.ReconcileMetrics;
import dev.corral.loop.Result;
import dev.corral.ownership.Ownership;
import dev.corral.ownership.ResourceNames;
import dev.corral.runtime.ContainerDetails;
import dev.corral.runtime.ContainerRuntime;
import dev.corral.runtime.EngineException;
import dev.corral.runtime.Labels;
import dev.corral.runtime.NetworkRequest;
import dev.corral.runtime.ObservedContainer;
import dev.corral.runtime.ObservedNetwork;
import dev.corral.runtime.OwnContainer;
import dev.corral.spec.Json;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.store.NotFoundException;
import dev.corral.store.Query;
import dev.corral.store.SpecStore;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Reconciles one key: reads the current spec and the current observed state, asks the
 * {@link Planner}, has the {@link Executor} carry the plan out, and writes status. Level-triggered:
 * it never asks what event woke it.
 */
public final class Reconciler implements KindReconciler {

    private static final Set<Kind> KINDS = Set.of(Kind.Session, Kind.Relic, Kind.Agent);

    private static final Logger LOG = Logger.getLogger(Reconciler.class);

    private final SpecStore store;
    private final ContainerRuntime runtime;
    private final ObservedState observed;
    private final Executor executor;
    private final HealthProber prober;
    private final CrashTracker crashes;
    private final SubnetPool pool;
    private final PlannerSettings settings;
    private final Clock clock;
    private final Consumer<ObjectKey> enqueue;
    private final ReconcileMetrics metrics;
    private final OwnContainer own;
    public Reconciler(SpecStore store, ContainerRuntime runtime, ObservedState observed, Executor executor,
                      HealthProber prober, CrashTracker crashes, SubnetPool pool, PlannerSettings settings, Clock clock,
                      Consumer<ObjectKey> enqueue, ReconcileMetrics metrics, OwnContainer own) {
        this.store = store;
        this.runtime = runtime;
        this.observed = observed;
        this.executor = executor;
        this.prober = prober;
        this.crashes = crashes;
        this.pool = pool;
        this.settings = settings;
        this.clock = clock;
        this.enqueue = enqueue;
        this.metrics = metrics;
        this.own = own;
    }

    @Override
    public Set<Kind> kinds() {
        return KINDS;
    }

    @Override
    public Result reconcile(ObjectKey key, SpecObject o) {
        return key.kind() == Kind.Session ? session(key, o) : container(key, o);
    }

    /** A failure shows in status as Pending (retried) or Failed (terminal), keeping what is known of the container. */
    @Override
    public boolean failed(SpecObject o, boolean terminal, String reason, String message) {
        writeFailure(o, terminal ? "Failed" : "Pending", reason, message);
        return true;
    }

    @Override
    public Readiness.Outcome readiness(SpecObject o) {
        return Readiness.ofPhase(o);
    }

    /**
     * In a container, Corral joins the engine's default bridge, where agents live, at once rather
     * than at an agent's first probe: the engine routes a container through (and maps its published
     * ports to) the attached network with a gateway whose name sorts first, so a later join would move
     * Corral's published port under its clients. On the bridge, no session network ({@code
     * corral-session-...}) ever sorts before it.
     */
    @Override
    public void engineConnected() {
        try {
            own.join(ContainerSpecs.AGENT_NETWORK, null);
        } catch (RuntimeException e) {
            LOG.warnf("could not join the engine's default bridge (%s): agents' HTTP and TCP probes will try again",
                    e.getMessage());
        }
    }

    @Override
    public void shutdown() {
        prober.shutdown();
        executor.shutdown();
    }

    // ---- Relic and Agent ----

    private Result container(ObjectKey key, SpecObject o) {
        if (o == null) {
            prober.stop(key);
            crashes.forget(key);
            metrics.forget(key);
            Plan plan = Planner.container(null, new ContainerObservation(observed.containersOf(key), null, true, Set.of()),
                    new RestartState(0), null, clock.instant(), settings);
            executor.execute(key, plan);
            if (key.kind() == Kind.Agent) {
                // An Agent's volumes are its own: they go with it (a Relic's belong to its session).
                observed.volumesOf(key).forEach(v -> {
                    runtime.removeVolume(v.name());
                    observed.removeVolume(v.name());
                });
            }
            return Result.DONE;
        }
        crashes.seed(key, o.status() == null ? 0 : o.status().path("restarts").asLong(0));
        DesiredContainer d = ContainerSpecs.desired(o);
        List<ObservedContainer> owned = observed.containersOf(key);
        ObservedContainer keeper = owned.stream()
                .filter(c -> c.name().equals(d.name()) && d.hash().equals(c.label(Labels.SPEC_HASH))
                        && (d.uid() == null || d.uid().equals(c.label(Labels.UID))))
                .findFirst().orElse(null);

        ContainerDetails ended = null;
        RestartState crash = new RestartState(0);
        ProbeView probe = null;
        if (keeper != null && d.wantRunning() && !keeper.running() && !"created".equals(keeper.state())) {
            prober.stop(key);
            ended = runtime.inspectContainer(keeper.id()).orElse(null);
            if (ended == null) {
                // Removed since the list: it is missing, which the next look re-creates.
                observed.removeContainer(keeper.id());
                enqueue.accept(key);
                return Result.DONE;
            }
            if (ended.running()) {
                // An event moved on since the list: it runs again.
                observed.setState(keeper.id(), "running");
                enqueue.accept(key);
                return Result.DONE;
            }
            if (d.wantRunning()) {
                crash = crashes.ended(key, ended);
            }
        } else if (keeper != null && keeper.running() && d.health() != null) {
            // HTTP and TCP probes go to the container's address: Corral must be on its network (it is, on the host).
            boolean byAddress = !d.health().has("exec");
            String networkId = key.kind() == Kind.Agent ? null
                    : observed.network(d.network()).map(ObservedNetwork::id).orElse(null);
            if (!prober.watching(key, keeper.id()) || byAddress && !own.reaches(d.network(), networkId)) {
                if (byAddress) {
                    own.join(d.network(), networkId);
                }
                ContainerDetails details = runtime.inspectContainer(keeper.id()).orElse(null);
                String address = details == null ? null : details.ipAddresses().get(d.network());
                prober.watch(key, keeper.id(), d.health(), address);
            }
            probe = prober.view(key);
        } else if (keeper == null || !keeper.running() || d.health() == null) {
            prober.stop(key);
        }

        boolean networkReady = key.kind() == Kind.Agent || observed.network(d.network()).isPresent();
        String networkId = key.kind() == Kind.Agent ? null
                : observed.network(d.network()).map(dev.corral.runtime.ObservedNetwork::id).orElse(null);
        Plan plan = Planner.container(d, new ContainerObservation(owned, ended, networkReady, observed.volumeNames(), networkId),
                crash, probe, clock.instant(), settings);
        if (!plan.isEmpty()) {
            LOG.debugf("%s plan:\n%s", key, plan);
        }
        executor.execute(key, plan);
        boolean recreated = plan.actions().stream().anyMatch(a -> a.op() == PlannedAction.Op.CreateContainer);
        if (recreated) {
            crashes.recreated(key);
            prober.stop(key);
        }
        if (plan.restart()) {
            crashes.restarted(key);
            metrics.restarted(key.kind());
        }

        ObservedContainer now = observed.containersOf(key).stream().filter(c -> c.name().equals(d.name())).findFirst()
                .orElse(null);
        StatusBuilder sb = new StatusBuilder(o.status(), clock.instant(), plan.phase(), plan.message(), d.generation());
        boolean ready = "Ready".equals(plan.phase());
        sb.condition("Ready", ready, plan.phase(), ready ? null : plan.message());
        if (now != null) {
            sb.put("containerId", now.id()).put("containerName", now.name());
        }
        sb.put("internalUrl", d.internalUrl());
        sb.put("restarts", crashes.restarts(key));
        sb.put("lastTermination", ended != null ? termination(ended) : sb.previous("lastTermination"));
        writeStatus(o, sb.build());
        metrics.phase(key, plan.phase());

        if (!plan.isEmpty()) {
            // Look again at once: status then reflects what the plan did (a started container, a first probe).
            return Result.requeueAfter(Duration.ZERO);
        }
        return plan.requeueAfter() == null ? Result.DONE : Result.requeueAfter(plan.requeueAfter());
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

    // ---- Session ----

    private Result session(ObjectKey key, SpecObject o) {
        String session = key.name();
        ObservedNetwork network = observed.network(ResourceNames.network(session)).orElse(null);
        if (o == null) {
            Plan plan = Planner.session(null, false, network, observed.containersInSession(session),
                    observed.volumesInSession(session));
            executor.execute(key, plan);
            // Forget what we knew about the session's objects (their keys are already gone from the store).
            observed.containersInSession(session).forEach(c -> prober.stop(Ownership.ownerOf(c.labels())));
            return Result.DONE;
        }
        Instant now = clock.instant();
        Duration untilExpiry = null;
        if (o.spec().has("ttlSeconds") && o.metadata().createdAt() != null) {
            Instant expires = o.metadata().createdAt().plusSeconds(o.spec().get("ttlSeconds").asLong());
            if (!now.isBefore(expires)) {
                LOG.infof("%s expired (ttlSeconds %d): deleting it and everything in it", key.describe(),
                        o.spec().get("ttlSeconds").asLong());
                try {
                    store.delete(key, null, o.metadata().source());
                } catch (NotFoundException ignored) {
                    // deleted meanwhile
                }
                enqueue.accept(key);
                return Result.DONE;
            }
            untilExpiry = Duration.between(now, expires);
        }
        boolean internal = o.spec().path("network").path("internal").asBoolean(true);
        String subnet = null;
        boolean exhausted = false;
        if (network == null) {
            subnet = pool.allocate(subnetsInUse());
            exhausted = subnet == null;
        }
        NetworkRequest want = new NetworkRequest(ResourceNames.network(session), internal, subnet,
                Ownership.network(session, o.metadata().uid(), subnet));
        Plan plan = Planner.session(want, exhausted, network, List.of(), List.of());
        try {
            executor.execute(key, plan);
        } catch (EngineException e) {
            if (subnet != null && String.valueOf(e.getMessage()).contains("overlap")) {
                LOG.warnf("subnet %s overlaps a network Corral does not own; skipping it", subnet);
                pool.refuse(subnet);
                return Result.requeueAfter(Duration.ZERO);
            }
            throw e;
        } finally {
            if (subnet != null) {
                pool.release(subnet);
            }
        }
        metrics.poolFree(pool.free(subnetsInUse()));
        if (!plan.isEmpty()) {
            // The network is there now: wake the session's relics instead of letting them wait for their next look.
            store.list(new Query(Kind.Relic, session, null, null)).forEach(r -> enqueue.accept(r.key()));
        }
        ObservedNetwork net = observed.network(ResourceNames.network(session)).orElse(null);
        StatusBuilder sb = new StatusBuilder(o.status(), now, plan.phase(), plan.message(),
                o.metadata().generation() == null ? 0 : o.metadata().generation());
        boolean ready = "Ready".equals(plan.phase());
        sb.condition("Ready", ready, plan.phase(), ready ? null : plan.message());
        if (exhausted) {
            sb.condition("NetworkPoolExhausted", true, "NetworkPoolExhausted", plan.message());
        }
        if (net != null) {
            sb.put("network", net.name()).put("subnet", net.subnet());
            if (net.internal() != internal) {
                sb.put("message", "network.internal is fixed when the session's network is created; "
                        + "delete and re-create the session to change it");
            }
        }
        if (untilExpiry != null) {
            sb.put("expiresAt", now.plus(untilExpiry).toString());
        }
        writeStatus(o, sb.build());
        if (plan.requeueAfter() != null) {
            return Result.requeueAfter(plan.requeueAfter());
        }
        return untilExpiry == null ? Result.DONE : Result.requeueAfter(untilExpiry);
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

    // ---- status ----

    private void writeFailure(SpecObject o, String phase, String reason, String message) {
        StatusBuilder sb = new StatusBuilder(o.status(), clock.instant(), phase, message,
                o.metadata().generation() == null ? 0 : o.metadata().generation());
        sb.condition("Ready", false, reason, message);
        if (o.status() != null) {
            for (String carry : List.of("containerId", "containerName", "internalUrl", "restarts", "lastTermination",
                    "network", "subnet")) {
                sb.put(carry, o.status().get(carry));
            }
        }
        writeStatus(o, sb.build());
        metrics.phase(o.key(), phase);
    }

    /** The store leaves an unchanged status unwritten, so this may be called on every reconcile. */
    private void writeStatus(SpecObject o, ObjectNode status) {
        store.updateStatus(o.key(), status);
    }
}
