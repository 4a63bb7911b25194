package dev.corral.swarm;

import dev.corral.containers.ContainerSpecs;
import dev.corral.containers.DesiredContainer;
import dev.corral.containers.StatusBuilder;
import dev.corral.containers.StatusReporting;
import dev.corral.containers.StatusWriter;
import dev.corral.events.EventRecorder;
import dev.corral.loop.ObservedState;
import dev.corral.loop.ReconcileException;
import dev.corral.loop.ReconcileMetrics;
import dev.corral.loop.Result;
import dev.corral.ownership.ResourceNames;
import dev.corral.ownership.Ownership;
import dev.corral.runtime.EngineException;
import dev.corral.runtime.Labels;
import dev.corral.runtime.NameConflictException;
import dev.corral.runtime.ObservedNode;
import dev.corral.runtime.ObservedService;
import dev.corral.runtime.ObservedTask;
import dev.corral.runtime.ServiceRequest;
import dev.corral.runtime.ServiceRuntime;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.spec.model.Phase;
import dev.corral.store.SpecStore;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Relics and Agents on a Swarm ({@code corral.engine.mode=swarm}): each is a one-replica service named as
 * its container would be, on its session's overlay network, placed and restarted by Swarm. Corral creates,
 * updates (when what it asks changes: {@link ServiceSpecs#SERVICE_HASH}) and removes the service, and
 * reports what the service's tasks say: phase, node, restarts; a node lost is an event.
 */
public final class SwarmServiceReconciler extends StatusReporting {

    private static final Logger LOG = Logger.getLogger(SwarmServiceReconciler.class);
    /** How soon an object whose task is on its way is looked at again (its watcher may wake it sooner). */
    private static final Duration SOON = Duration.ofSeconds(1);
    private static final Duration PENDING = Duration.ofSeconds(5);

    private final ServiceRuntime swarm;
    private final ObservedState observed;
    private final SpecStore store;
    private final ReconcileMetrics metrics;
    private final Clock clock;
    private final SwarmWatcher watcher;
    private final Duration restartDelay;
    private final Duration stopGrace;
    private final String instance;

    public SwarmServiceReconciler(ServiceRuntime swarm, ObservedState observed, SpecStore store,
                                  StatusWriter statusWriter, ReconcileMetrics metrics, EventRecorder events, Clock clock,
                                  SwarmWatcher watcher, Duration restartDelay, Duration stopGrace, String instance) {
        super(statusWriter, events);
        this.swarm = swarm;
        this.observed = observed;
        this.store = store;
        this.metrics = metrics;
        this.clock = clock;
        this.watcher = watcher;
        this.restartDelay = restartDelay;
        this.stopGrace = stopGrace;
        this.instance = instance;
    }

    @Override
    public Set<Kind> kinds() {
        return Set.of(Kind.Relic, Kind.Agent);
    }

    @Override
    public Result reconcile(ObjectKey key, SpecObject o) {
        watcher.start();
        String name = ResourceNames.container(key);
        ObservedService existing = swarm.inspectService(name).orElse(null);
        boolean ours = existing != null && key.equals(Ownership.ownerOf(existing.labels()))
                && instance.equals(existing.label(Labels.INSTANCE));
        if (o == null) {
            if (ours) {
                swarm.removeService(existing.id());
            }
            return Result.DONE;
        }
        if (existing != null && !ours) {
            throw ReconcileException.terminal("NameConflict", "service name " + name + " is taken by a service "
                    + "Corral (instance " + instance + ") does not own; remove or rename it", null);
        }
        DesiredContainer d = ContainerSpecs.desired(o);
        ServiceSpecs.Wanted wanted = ServiceSpecs.of(o, d, restartDelay, stopGrace, clock.instant());
        if (wanted instanceof ServiceSpecs.Refused refused) {
            if (ours) {
                swarm.removeService(existing.id());
            }
            throw ReconcileException.terminal("NotSupportedOnSwarm", refused.message(), null);
        }
        ServiceSpecs.Service service = (ServiceSpecs.Service) wanted;
        String network = service.request().container().network();
        var sessionNetwork = network == null ? null : observed.network(network).orElse(null);
        if (network != null && sessionNetwork == null) {
            write(o, d, new TaskView(Phase.Pending, "waiting for its session's network " + network, null, null, 0),
                    null);
            return Result.requeueAfter(SOON);
        }
        // By id: the manager may not resolve a network it has just made by its name yet ("not found").
        ServiceRequest request = sessionNetwork == null ? service.request() : service.request().onNetwork(sessionNetwork.id());
        ObservedService current = existing;
        try {
            if (current == null) {
                swarm.createService(request);
                events.normal(key, d.uid(), "Created", "service " + name + " created");
                current = swarm.inspectService(name).orElse(null);
            } else if (!service.hash().equals(current.label(ServiceSpecs.SERVICE_HASH)) || !swarm.matches(current, request)) {
                // Changed by its spec, or updated or scaled behind Corral's back.
                swarm.updateService(current, request);
                events.normal(key, d.uid(), "Updated", "service " + name + " updated: Swarm replaces its task");
                current = swarm.inspectService(name).orElse(null);
            }
        } catch (NameConflictException e) {
            // Made by a look of ours that raced this one, or updated meanwhile (its version moved): look again.
            return Result.requeueAfter(Duration.ofMillis(200));
        } catch (EngineException e) {
            if (String.valueOf(e.getMessage()).contains("out of sequence")) {
                return Result.requeueAfter(Duration.ofMillis(200));
            }
            if (e.terminal()) {
                throw ReconcileException.terminal("InvalidServiceSpec", "the Swarm manager refused the service: "
                        + e.getMessage(), e);
            }
            throw e;
        }
        if (current == null) {
            return Result.requeueAfter(SOON);
        }
        List<ObservedTask> tasks = swarm.tasks(current.id());
        Map<String, ObservedNode> known = watcher.nodes();
        Map<String, ObservedNode> nodes = tasks.stream().anyMatch(t -> t.nodeId() != null && !known.containsKey(t.nodeId()))
                ? watcher.refreshNodes() : known;
        boolean restarts = service.request().restart().condition() != ServiceRequest.Restart.Condition.NONE;
        TaskView view = TaskView.of(current, tasks, nodes, service.expired(), restarts);
        reportMoves(o, d, view, nodes);
        write(o, d, view, current);
        if (view.phase() == Phase.Ready || view.phase() == Phase.Stopped || view.phase() == Phase.Failed) {
            return d.expiresAt() != null && !service.expired()
                    ? Result.requeueAfter(Duration.between(clock.instant(), d.expiresAt()).plusMillis(10))
                    : Result.DONE;
        }
        // Waiting for a node can last: the watcher wakes it when the Swarm changes, this is the backstop.
        return Result.requeueAfter(view.phase() == Phase.Pending ? PENDING : SOON);
    }

    /** A container that now runs on another node than the status said: an event, a warning when its node was lost. */
    private void reportMoves(SpecObject o, DesiredContainer d, TaskView view, Map<String, ObservedNode> nodes) {
        String before = o.status() == null ? null : o.status().path("node").asText(null);
        if (view.node() != null && !view.node().ready()) {
            events.warning(o.key(), d.uid(), "NodeLost", "node " + view.node().hostname() + " is "
                    + view.node().state() + "; Swarm places the container on another node");
        }
        if (before == null || view.node() == null || before.equals(view.node().hostname())) {
            return;
        }
        // The node it left, as it is now (the watcher's copy may be a look old).
        nodes = watcher.refreshNodes();
        ObservedNode old = nodes.values().stream().filter(n -> n.hostname().equals(before)).findFirst().orElse(null);
        if (old == null || !old.ready()) {
            events.warning(o.key(), d.uid(), "Rescheduled", "node " + before + " is "
                    + (old == null ? "gone" : old.state()) + "; the container runs again on " + view.node().hostname());
        } else {
            events.normal(o.key(), d.uid(), "Moved", "now runs on " + view.node().hostname() + " (was " + before + ")");
        }
    }

    private void write(SpecObject o, DesiredContainer d, TaskView view, ObservedService service) {
        StatusBuilder sb = new StatusBuilder(o.status(), clock.instant(), view.phase().name(), view.message(),
                d.generation());
        boolean ready = view.phase() == Phase.Ready;
        sb.condition("Ready", ready, view.phase().name(), ready ? null : view.message());
        if (service != null) {
            sb.put("service", service.name());
        }
        if (view.node() != null) {
            sb.put("node", view.node().hostname()).put("nodeId", view.node().id());
        } else if (view.phase() != Phase.Stopped && o.status() != null) {
            // Where it last ran, until it runs elsewhere: what tells a move from a first placement.
            sb.put("node", o.status().get("node"));
        }
        if (view.current() != null) {
            sb.put("taskId", view.current().id()).put("containerId", view.current().containerId());
        }
        sb.put("restarts", view.restarts());
        sb.put("image", d.image());
        sb.put("internalUrl", d.internalUrl());
        store.updateStatus(o.key(), sb.build());
        metrics.phase(o.key(), view.phase());
    }

    /** Services whose object is gone (deleted while no Corral led): their owners are looked at, and removed. */
    @Override
    public java.util.Collection<ObjectKey> resyncKeys() {
        return swarm.listServices().stream().map(s -> dev.corral.ownership.Ownership.ownerOf(s.labels()))
                .filter(java.util.Objects::nonNull).toList();
    }

    @Override
    public void shutdown() {
        watcher.close();
    }
}
