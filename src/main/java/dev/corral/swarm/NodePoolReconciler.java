package dev.corral.swarm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.loop.KindReconciler;
import dev.corral.loop.Readiness;
import dev.corral.loop.Result;
import dev.corral.runs.PoolReconciler;
import dev.corral.runs.Runner;
import dev.corral.runtime.ObservedNode;
import dev.corral.spec.Json;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.spec.model.Placement;
import dev.corral.spec.model.PoolBounds;
import dev.corral.spec.model.ToolSpec;
import dev.corral.store.SpecStore;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Warm pools per Swarm node ({@code corral.engine.runs=swarm} with {@code corral.engine.node-engines}): a Tool's
 * pool (and each language runner's) is kept at the engine of every node that is ready, active and allowed by the
 * Tool's {@code placement}, {@code pool.size} containers each, by that node's {@link PoolReconciler}; elsewhere
 * none. The Tool's {@code status.pool} adds them up, with each node's part under {@code nodes}. Warm containers
 * left on the manager's own engine by {@code runs=manager} go.
 */
public final class NodePoolReconciler implements KindReconciler {

    /** How soon a node that answers but is not ready in Swarm yet is looked at again. */
    static final Duration NOT_READY_RETRY = Duration.ofSeconds(5);

    private final NodeEngines nodes;
    private final PoolReconciler manager;
    private final SwarmWatcher watcher;
    private final SpecStore store;

    /** @param manager the manager engine's pool reconciler, keeping no pool (it removes what runs=manager left) */
    public NodePoolReconciler(NodeEngines nodes, PoolReconciler manager, SwarmWatcher watcher, SpecStore store) {
        this.nodes = nodes;
        this.manager = manager;
        this.watcher = watcher;
        this.store = store;
    }

    /** The same kind, readiness and resync keys as the one-engine pool reconciler it stands in for. */
    @Override
    public Set<Kind> kinds() {
        return manager.kinds();
    }

    @Override
    public Readiness.Outcome readiness(SpecObject tool) {
        return manager.readiness(tool);
    }

    @Override
    public List<ObjectKey> resyncKeys() {
        return manager.resyncKeys();
    }

    @Override
    public void shutdown() {
        manager.shutdown();
        nodes.close();
    }

    @Override
    public Result reconcile(ObjectKey key, SpecObject tool) {
        watcher.start();
        nodes.start();
        RuntimeException failure = null;
        try {
            manager.reconcile(key, tool, false, (t, s, target, ready, message) -> {
            });
        } catch (RuntimeException e) {
            failure = e; // what runs=manager left there: retried, and every node's pool kept meanwhile
        }
        boolean runner = Runner.ofPoolKey(key).isPresent();
        ToolSpec spec = !runner && tool != null ? ToolSpec.of(tool.spec()) : null;
        List<String> constraints = spec == null ? List.of() : Placement.of(tool.spec().get("placement")).constraints();
        Map<String, ObjectNode> parts = new TreeMap<>();
        Result result = Result.DONE;
        for (NodeEngine n : nodes.all()) {
            ObjectNode part = Json.MAPPER.createObjectNode().put("target", 0).put("ready", 0);
            parts.put(n.name, part);
            if (!n.usable()) {
                part.put("message", "its engine: " + n.problem());
                continue; // looked at again once it answers (NodeEngine's connected)
            }
            ObservedNode swarmNode = watcher.node(n.name).orElse(null);
            boolean up = swarmNode != null && swarmNode.ready() && "active".equals(swarmNode.availability());
            boolean keep = swarmNode != null && keeps(swarmNode, constraints);
            if (!up) {
                part.put("message", swarmNode == null ? "not a node of this Swarm"
                        : "Swarm has it " + swarmNode.state() + ", " + swarmNode.availability());
                result = sooner(result, Result.requeueAfter(NOT_READY_RETRY));
            }
            try {
                Result r = n.poolReconciler.reconcile(key, tool, keep, (t, s, target, ready, message) -> {
                    part.put("target", target).put("ready", ready);
                    if (message != null) {
                        part.put("message", message);
                    }
                });
                result = sooner(result, r);
            } catch (RuntimeException e) {
                part.put("message", e.getMessage());
                failure = e; // the other nodes' pools are kept all the same
            }
        }
        if (spec != null) {
            report(tool, spec, parts);
        }
        if (result.kind() == Result.Kind.REQUEUE && result.after().isZero()) {
            return result; // a node still filling its pool, a batch a pass: not held back by another's failure
        }
        if (failure != null) {
            throw failure;
        }
        return result;
    }

    /** Whether a node keeps the pool of a Tool with these placement constraints: ready, active, and allowed. */
    static boolean keeps(ObservedNode node, List<String> constraints) {
        return node.ready() && "active".equals(node.availability()) && NodeConstraints.allow(constraints, node);
    }

    /** The sooner of two requeues first (a node still filling its pool is not held back), then errors. */
    static Result sooner(Result a, Result b) {
        if (a.kind() == Result.Kind.REQUEUE && b.kind() == Result.Kind.REQUEUE) {
            return b.after().compareTo(a.after()) < 0 ? b : a;
        }
        if (a.kind() == Result.Kind.REQUEUE || b.kind() == Result.Kind.REQUEUE) {
            return a.kind() == Result.Kind.REQUEUE ? a : b;
        }
        if (a.kind() == Result.Kind.ERROR || a.kind() == Result.Kind.TERMINAL) {
            return a;
        }
        return b;
    }

    /** The Tool's {@code status.pool}: the nodes' parts added up; written only when it changed. */
    private void report(SpecObject tool, ToolSpec spec, Map<String, ObjectNode> parts) {
        PoolBounds bounds = spec.pool();
        ObjectNode status = tool.status() == null ? Json.MAPPER.createObjectNode() : tool.status().deepCopy();
        if (!bounds.pooled() && !status.has("pool")) {
            return;
        }
        if (bounds.pooled()) {
            ObjectNode pool = Json.MAPPER.createObjectNode().put("size", bounds.size()).put("max", bounds.max())
                    .put("target", parts.values().stream().mapToInt(p -> p.path("target").asInt()).sum())
                    .put("ready", parts.values().stream().mapToInt(p -> p.path("ready").asInt()).sum());
            ObjectNode byNode = pool.putObject("nodes");
            parts.forEach(byNode::set);
            status.set("pool", pool);
        } else {
            status.remove("pool");
        }
        status.put("observedGeneration", tool.metadata().generation() == null ? 0 : tool.metadata().generation());
        status.remove("message");
        if (!status.equals(tool.status())) {
            store.updateStatus(tool.key(), status);
        }
    }
}
