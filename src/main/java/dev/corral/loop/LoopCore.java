package dev.corral.loop;

import dev.corral.ownership.Ownership;
import dev.corral.ownership.ResourceNames;
import dev.corral.runtime.ObservedContainer;
import dev.corral.runtime.ObservedVolume;
import dev.corral.runtime.ContainerRuntime;
import dev.corral.runtime.OwnContainer;
import dev.corral.runtime.RuntimeEvent;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.store.Query;
import dev.corral.store.SpecStore;
import dev.corral.store.StoreEvent;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The loop without its threads: what each trigger enqueues (store changes, engine events, resync)
 * and what one worker does with a key. {@link Controller} runs it on workers and schedulers; a unit
 * test builds it with {@code new} over a fake runtime and drives it one call at a time.
 */
public final class LoopCore {

    private static final Logger LOG = Logger.getLogger(LoopCore.class);

    private final SpecStore store;
    private final ContainerRuntime runtime;
    private final WorkQueue<ObjectKey> queue;
    private final ObservedState observed;
    private final ReconcileMetrics metrics;
    private final Reconcilers reconcilers;
    private final EngineEvents engineEvents;
    private final AtomicBoolean resyncing = new AtomicBoolean();
    private volatile String engineProblem = "not checked yet";

    public LoopCore(SpecStore store, ContainerRuntime runtime, WorkQueue<ObjectKey> queue, ObservedState observed,
                    OwnContainer own, ReconcileMetrics metrics, Reconcilers reconcilers) {
        this.store = store;
        this.runtime = runtime;
        this.queue = queue;
        this.observed = observed;
        this.metrics = metrics;
        this.reconcilers = reconcilers;
        this.engineEvents = new EngineEvents(observed, own, reconcilers::claimant);
    }

    public Reconcilers reconcilers() {
        return reconcilers;
    }

    /** Why the engine cannot be used right now, or null when it answers. */
    public String engineProblem() {
        return engineProblem;
    }

    public void engineProblem(String problem) {
        engineProblem = problem;
    }

    public void onStoreEvent(StoreEvent e) {
        // Status writes are the loop's own output: reacting to them would spin.
        if (e.type() != StoreEvent.Type.STATUS) {
            queue.add(e.key());
        }
    }

    public void onEngineEvent(RuntimeEvent e) {
        // A container that ended (died, killed, out of memory) is self-heal: ahead of a long converge's queue.
        boolean ended = "container".equals(e.type()) && ("die".equals(e.action()) || "oom".equals(e.action()));
        engineEvents.apply(e).forEach(ended ? queue::addUrgent : queue::addUnlessBackingOff);
    }

    /**
     * Lists containers, networks and volumes (one call each), replaces the observed picture and
     * enqueues every object that is declared or owns something: declared ones converge, the rest
     * are garbage and get removed.
     */
    public void resync() {
        if (!resyncing.compareAndSet(false, true)) {
            return;
        }
        try {
            long listedAt = ObservedState.stamp();
            var containers = runtime.listContainers();
            var networks = runtime.listNetworks();
            var volumes = runtime.listVolumes();
            observed.replace(listedAt, containers, networks, volumes);
            if (engineProblem != null) {
                LOG.infof("Docker engine answers: %d managed containers, %d networks, %d volumes",
                        containers.size(), networks.size(), volumes.size());
            }
            engineProblem = null;
            Set<ObjectKey> keys = new HashSet<>(observed.owners());
            for (SpecObject o : store.list(Query.ALL)) {
                keys.add(o.key());
            }
            keys.addAll(reconcilers.resyncKeys());
            // What broke first (a container that ended, its death perhaps unseen: before a start's event stream
            // opened), then Sessions: their networks are what relics wait for.
            observed.containers().stream().filter(ObservedContainer::ended)
                    .map(c -> Ownership.ownerOf(c.labels())).filter(java.util.Objects::nonNull).sorted()
                    .forEach(queue::addUrgent);
            keys.stream().sorted().forEach(queue::add);
        } catch (java.lang.RuntimeException e) {
            if (engineProblem == null || !engineProblem.equals(e.getMessage())) {
                LOG.warnf("resync failed: %s", e.getMessage());
            }
            engineProblem = e.getMessage() == null ? e.toString() : e.getMessage();
        } finally {
            resyncing.set(false);
        }
    }

    /**
     * Removes this instance's anonymous volumes that no container mounts, and says how many. A run's
     * workspace is an anonymous volume removed with its container; an engine that dies while it removes
     * containers (or a removal that fails halfway) leaves such volumes behind, owned by no container
     * Corral could find again. Named volumes (a Session's, an Agent's) may rightly be unused for a
     * while and are never touched here; a volume mounted again since the list is refused by the engine
     * and kept. Run when the engine's event stream (re)connects: at start, and after the engine was away.
     */
    public int sweepLostVolumes() {
        int removed = 0;
        try {
            for (ObservedVolume v : runtime.listUnusedVolumes()) {
                if (!ResourceNames.anonymousVolume(v.name())) {
                    continue;
                }
                try {
                    runtime.removeVolume(v.name());
                    observed.removeVolume(v.name());
                    removed++;
                } catch (java.lang.RuntimeException e) {
                    LOG.debugf("volume %s kept: %s", v.name(), e.getMessage());
                }
            }
        } catch (java.lang.RuntimeException e) {
            LOG.warnf("could not list unused volumes: %s", e.getMessage());
        }
        if (removed > 0) {
            LOG.infof("removed %d anonymous volumes that no container mounts (left by containers the engine lost)", removed);
        }
        return removed;
    }

    /** One worker step for a key taken from the queue (the caller marks it done). */
    public void process(ObjectKey key) {
        if (!observed.loaded()) {
            // Nothing is known about the engine yet: acting now would mean guessing.
            queue.addAfter(key, Duration.ofSeconds(1));
            return;
        }
        long t0 = System.nanoTime();
        Result r = reconcilers.reconcile(key);
        metrics.reconciled(key.kind(), r, Duration.ofNanos(System.nanoTime() - t0));
        switch (r.kind()) {
            case DONE, TERMINAL -> queue.forget(key);
            case REQUEUE -> {
                queue.forget(key);
                queue.addAfter(key, r.after());
            }
            case ERROR -> {
                Duration d = queue.addRateLimited(key);
                metrics.retried();
                LOG.debugf("%s: %s (retry in %d ms)", key, r.message(), d.toMillis());
            }
        }
    }
}
