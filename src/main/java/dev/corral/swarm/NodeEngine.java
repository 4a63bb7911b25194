package dev.corral.swarm;

import dev.corral.loop.EngineEvents;
import dev.corral.loop.ObservedState;
import dev.corral.ownership.Ownership;
import dev.corral.runs.PoolReconciler;
import dev.corral.runs.RunReconciler;
import dev.corral.runs.RunSlots;
import dev.corral.runs.WarmPools;
import dev.corral.runtime.ContainerRuntime;
import dev.corral.runtime.Labels;
import dev.corral.runtime.ObservedContainer;
import dev.corral.runtime.OwnContainer;
import dev.corral.runtime.RuntimeEvent;
import dev.corral.spec.ObjectKey;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One Swarm node's own engine, reached directly ({@code corral.engine.node-engines}): its picture (listed, then
 * kept by its event stream, as the one-engine loop keeps the manager's), its warm pools, and the runs that took
 * one of their containers. The pools and runs are the one-engine ones ({@link PoolReconciler},
 * {@link RunReconciler}), built over this engine and naming the node.
 */
final class NodeEngine implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(NodeEngine.class);

    final String name;
    final ContainerRuntime runtime;
    final ObservedState observed = new ObservedState();
    final WarmPools pools;
    /** Runs at once in this node's warm containers ({@code corral.runs.max-concurrent}, per node). */
    final RunSlots slots;
    final PoolReconciler poolReconciler;
    final RunReconciler runs;

    private final AutoCloseable closer;
    private final EngineEvents events;
    private final Consumer<ObjectKey> wake;
    private final Runnable connected;
    private final Duration resyncInterval;
    private volatile String problem = "not connected yet";
    private AutoCloseable stream;
    /** Counts the event streams opened: a callback of an older one is ignored. Guarded by this. */
    private long streams;
    private ScheduledExecutorService background;
    private volatile boolean closed;

    /**
     * @param parts     builds the node's pool and run reconcilers over its engine, picture and pools
     * @param wake      enqueues a key on the loop's queue (a container's owner, or the run that claimed it)
     * @param connected told each time the engine answers again (its pools are then looked at)
     */
    NodeEngine(String name, ContainerRuntime runtime, AutoCloseable closer, WarmPools pools, RunSlots slots, Parts parts,
               Consumer<ObjectKey> wake, Runnable connected, Duration resyncInterval) {
        this.name = name;
        this.runtime = runtime;
        this.closer = closer;
        this.pools = pools;
        this.slots = slots;
        this.poolReconciler = parts.pools(this);
        this.runs = parts.runs(this);
        this.wake = wake;
        this.connected = connected;
        this.resyncInterval = resyncInterval;
        this.events = new EngineEvents(observed, new OwnContainer(runtime), pools::claimant);
    }

    /** What a node's engine is driven with. */
    interface Parts {
        PoolReconciler pools(NodeEngine node);

        RunReconciler runs(NodeEngine node);
    }

    /** Connects (and keeps reconnecting) in the background; idempotent. */
    synchronized void start() {
        if (background != null || closed) {
            return;
        }
        background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "corral-node-" + name);
            t.setDaemon(true);
            return t;
        });
        background.execute(this::connect);
        background.scheduleWithFixedDelay(this::resync, resyncInterval.toMillis(), resyncInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Looks at its pools and at the runs in its warm containers again (a node's state changed in Swarm). */
    void wakeAll() {
        connected.run();
        pools.claimants().forEach(wake);
    }

    /** Whether its picture is current: listed, and its event stream open. */
    boolean usable() {
        return problem == null && observed.loaded();
    }

    /** Why it is not usable, or null. */
    String problem() {
        return problem;
    }

    private void connect() {
        if (closed) {
            return;
        }
        long generation;
        synchronized (this) {
            generation = ++streams;
        }
        try {
            runtime.ping();
            AutoCloseable opened = runtime.events(this::onEvent, failure -> lost(generation,
                    "event stream lost: " + (failure == null ? "closed" : failure.getMessage())));
            synchronized (this) {
                if (generation != streams || closed) {
                    closeQuietly(opened); // it failed (or Corral stopped) before it was even kept
                    return;
                }
                stream = opened;
            }
            resync();
        } catch (RuntimeException e) {
            lost(generation, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    /**
     * The stream of {@code generation} failed, or the engine stopped answering: not usable until it is connected
     * again; its runs are looked at (they can no longer be seen ending).
     */
    private void lost(long generation, String why) {
        synchronized (this) {
            if (generation != streams || closed) {
                return; // an older stream's end: a newer one is already being opened
            }
            streams++; // what the lost stream's callbacks say from now on is ignored
            closeQuietly(stream);
            stream = null;
        }
        if (problem == null || !problem.equals(why)) {
            LOG.warnf("node %s: %s; reconnecting", name, why);
        }
        problem = why;
        pools.claimants().forEach(wake);
        background.schedule(this::connect, 1, TimeUnit.SECONDS);
    }

    /**
     * Lists the engine's containers (one call); wakes the owners of this node's containers (a Tool deleted while
     * Corral or the engine was away: its pool goes) and the runs holding one. A list that fails counts as the
     * engine lost: a stream on a connection that went quiet would otherwise never say so.
     */
    private void resync() {
        long generation;
        synchronized (this) {
            if (closed || stream == null) {
                return;
            }
            generation = streams;
        }
        try {
            long listedAt = ObservedState.stamp();
            List<ObservedContainer> containers = runtime.listContainers();
            observed.replace(listedAt, containers, List.of(), List.of());
            boolean was;
            synchronized (this) {
                if (generation != streams) {
                    return; // its stream was lost meanwhile: not usable, whatever the list said
                }
                was = problem != null;
                problem = null;
            }
            if (was) {
                LOG.infof("node %s's engine answers: %d of Corral's containers", name, containers.size());
                connected.run();
            }
            containers.stream().filter(c -> name.equals(c.label(Labels.NODE)))
                    .map(c -> Objects.requireNonNullElse(pools.claimant(c.id()), Ownership.ownerOf(c.labels())))
                    .filter(Objects::nonNull).distinct().forEach(wake);
            pools.claimants().forEach(wake);
        } catch (RuntimeException e) {
            lost(generation, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private void onEvent(RuntimeEvent e) {
        if (!"container".equals(e.type())) {
            return; // its networks are not Corral's: a node's warm containers have none
        }
        events.apply(e).forEach(wake);
    }

    private static void closeQuietly(AutoCloseable s) {
        if (s != null) {
            try {
                s.close();
            } catch (Exception ignored) {
                // already gone
            }
        }
    }

    /** Removes its idle warm containers (a restarted Corral would not trust them), then disconnects. */
    @Override
    public void close() {
        closed = true;
        poolReconciler.shutdown();
        synchronized (this) {
            closeQuietly(stream);
            stream = null;
        }
        if (background != null) {
            background.shutdownNow();
        }
        try {
            closer.close();
        } catch (Exception e) {
            LOG.debugf("node %s: closing its clients: %s", name, e.getMessage());
        }
    }
}
