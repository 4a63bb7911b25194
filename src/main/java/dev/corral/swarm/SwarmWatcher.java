package dev.corral.swarm;

import dev.corral.ownership.Ownership;
import dev.corral.runtime.ObservedNode;
import dev.corral.runtime.ObservedService;
import dev.corral.runtime.ObservedTask;
import dev.corral.runtime.ServiceRuntime;
import dev.corral.spec.ObjectKey;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Swarm has no events for tasks, and those for nodes come only from the manager that saw them: this looks
 * at the nodes and the running tasks every {@code corral.engine.poll-interval} (three calls to the manager,
 * whatever the number of services) and wakes the owner of every service whose tasks changed, and every
 * owner when a node's state changed. It also keeps the nodes for the reconciler's status.
 */
public final class SwarmWatcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SwarmWatcher.class);

    private final ServiceRuntime swarm;
    private final Duration interval;
    private final Consumer<ObjectKey> enqueue;
    private volatile Map<String, ObservedNode> nodes = Map.of();
    private Map<String, String> nodeStates = Map.of();
    private Map<String, String> taskDigests = Map.of();
    private Map<String, ObjectKey> serviceOwners = Map.of();
    private Thread thread;
    private volatile boolean closed;
    private final List<Runnable> nodeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public SwarmWatcher(ServiceRuntime swarm, Duration interval, Consumer<ObjectKey> enqueue) {
        this.swarm = swarm;
        this.interval = interval;
        this.enqueue = enqueue;
    }

    /** Starts looking, once: on the first reconcile, which only a leading replica runs. */
    public synchronized void start() {
        if (thread != null || closed) {
            return;
        }
        refreshNodes();
        thread = new Thread(this::run, "corral-swarm-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /** The Swarm's nodes by id, as last seen. */
    public Map<String, ObservedNode> nodes() {
        return nodes;
    }

    /** Told when a node's state or availability changes (after the owners of services are woken). */
    public void onNodesChanged(Runnable listener) {
        nodeListeners.add(listener);
    }

    /** The node of that hostname, as last seen (a node that left and joined again: the ready one, if any). */
    public java.util.Optional<ObservedNode> node(String hostname) {
        return nodes.values().stream().filter(n -> n.hostname().equals(hostname))
                .max(java.util.Comparator.comparing(ObservedNode::ready));
    }

    /** Reads the nodes now (a reconcile that needs them before the first look). */
    public Map<String, ObservedNode> refreshNodes() {
        Map<String, ObservedNode> byId = new HashMap<>();
        for (ObservedNode n : swarm.nodes()) {
            byId.put(n.id(), n);
        }
        nodes = Map.copyOf(byId);
        return nodes;
    }

    private void run() {
        while (!closed) {
            try {
                look();
            } catch (RuntimeException e) { // the manager not answering: looked at again next time
                LOG.debugf("looking at the Swarm failed: %s", e.getMessage());
            }
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One look: what changed since the last one is enqueued. Package-private for tests. */
    void look() {
        Map<String, ObservedNode> now = refreshNodes();
        List<ObservedService> services = swarm.listServices();
        List<ObservedTask> tasks = swarm.runningTasks();
        Map<String, String> states = new HashMap<>();
        // Role and labels too: they decide where warm pools are kept (placement constraints).
        now.forEach((id, n) -> states.put(id, n.state() + "/" + n.availability() + "/" + n.role() + "/"
                + new java.util.TreeMap<>(n.labels())));
        boolean nodesChanged = !states.equals(nodeStates);
        Map<String, TreeSet<String>> byService = new HashMap<>();
        for (ObservedTask t : tasks) {
            byService.computeIfAbsent(t.serviceId(), s -> new TreeSet<>()).add(t.id() + ":" + t.state() + "@" + t.nodeId());
        }
        Map<String, String> digests = new HashMap<>();
        Map<String, ObjectKey> owners = new HashMap<>();
        for (ObservedService s : services) {
            ObjectKey owner = Ownership.ownerOf(s.labels());
            if (owner != null) {
                owners.put(s.id(), owner);
            }
        }
        // A service removed behind Corral's back: its owner makes it again.
        serviceOwners.forEach((id, owner) -> {
            if (!owners.containsKey(id)) {
                enqueue.accept(owner);
            }
        });
        serviceOwners = owners;
        for (ObservedService s : services) {
            String digest = String.valueOf(byService.get(s.id()));
            digests.put(s.id(), digest);
            if (nodesChanged || !digest.equals(taskDigests.get(s.id()))) {
                ObjectKey owner = Ownership.ownerOf(s.labels());
                if (owner != null) {
                    enqueue.accept(owner);
                }
            }
        }
        if (nodesChanged && !nodeStates.isEmpty()) {
            LOG.infof("Swarm nodes now: %s", describe(now));
            nodeListeners.forEach(Runnable::run);
        }
        nodeStates = states;
        taskDigests = digests;
    }

    private static String describe(Map<String, ObservedNode> nodes) {
        StringBuilder sb = new StringBuilder();
        nodes.values().stream().sorted(java.util.Comparator.comparing(ObservedNode::hostname))
                .forEach(n -> sb.append(sb.isEmpty() ? "" : ", ").append(n.hostname()).append(' ').append(n.state()));
        return sb.toString();
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
