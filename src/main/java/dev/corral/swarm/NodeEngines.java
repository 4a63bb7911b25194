package dev.corral.swarm;

import dev.corral.spec.ObjectKey;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** The Swarm nodes whose own engines keep warm pools ({@code corral.engine.node-engines}), by hostname. */
public final class NodeEngines implements AutoCloseable {

    private final Map<String, NodeEngine> nodes;
    private volatile boolean started;

    NodeEngines(List<NodeEngine> nodes) {
        Map<String, NodeEngine> m = new LinkedHashMap<>();
        nodes.forEach(n -> m.put(n.name, n));
        this.nodes = Map.copyOf(m);
    }

    /** None: every run is a Swarm job. */
    static NodeEngines none() {
        return new NodeEngines(List.of());
    }

    /**
     * Reads {@code corral.engine.node-engines}: {@code HOSTNAME=DOCKER_HOST} each.
     *
     * @throws IllegalArgumentException naming the entry that is not of that form, or a hostname given twice
     */
    static Map<String, String> parse(List<String> entries) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String e : entries) {
            int eq = e.indexOf('=');
            String name = eq < 0 ? "" : e.substring(0, eq).trim();
            String host = eq < 0 ? "" : e.substring(eq + 1).trim();
            if (name.isEmpty() || host.isEmpty()) {
                throw new IllegalArgumentException("corral.engine.node-engines: \"" + e
                        + "\" is not HOSTNAME=DOCKER_HOST (as corral-node2=tcp://10.0.0.2:2376)");
            }
            if (out.put(name, host) != null) {
                throw new IllegalArgumentException("corral.engine.node-engines: node " + name + " is given twice");
            }
        }
        return out;
    }

    static NodeEngines of(Map<String, String> hosts, Function<Map.Entry<String, String>, NodeEngine> connect) {
        List<NodeEngine> list = new ArrayList<>();
        hosts.entrySet().forEach(e -> list.add(connect.apply(e)));
        return new NodeEngines(list);
    }

    boolean isEmpty() {
        return nodes.isEmpty();
    }

    /** Connects to every node's engine (in the background), once: on the first reconcile, which only a leader runs. */
    void start() {
        if (!started) {
            synchronized (this) {
                if (!started) {
                    nodes.values().forEach(NodeEngine::start);
                    started = true;
                }
            }
        }
    }

    List<NodeEngine> all() {
        return List.copyOf(nodes.values());
    }

    Optional<NodeEngine> get(String name) {
        return Optional.ofNullable(name == null ? null : nodes.get(name));
    }

    /** Each node's warm pools, by hostname (for {@code GET /pools}). */
    public Map<String, dev.corral.runs.WarmPools> pools() {
        Map<String, dev.corral.runs.WarmPools> m = new LinkedHashMap<>();
        nodes.forEach((name, n) -> m.put(name, n.pools));
        return m;
    }

    /** The run that claimed a node's warm container, or null. */
    ObjectKey claimant(String containerId) {
        for (NodeEngine n : nodes.values()) {
            ObjectKey k = n.pools.claimant(containerId);
            if (k != null) {
                return k;
            }
        }
        return null;
    }

    @Override
    public void close() {
        nodes.values().forEach(NodeEngine::close);
    }
}
