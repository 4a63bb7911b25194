package dev.corral.loop;

import dev.corral.config.CorralConfig;
import dev.corral.ownership.Ownership;
import dev.corral.ownership.ResourceNames;
import dev.corral.runtime.ContainerRuntime;
import dev.corral.runtime.Labels;
import dev.corral.runtime.ObservedContainer;
import dev.corral.runtime.OwnContainer;
import dev.corral.runtime.RuntimeEvent;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.store.Query;
import dev.corral.store.SpecStore;
import dev.corral.store.StoreEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the reconcile loop: workers that take keys from the {@link WorkQueue}, and the three
 * triggers that only enqueue — store changes, the engine's event stream (reconnected when it
 * drops) and a periodic resync that lists the engine once per resource type.
 */
@ApplicationScoped
public class Controller {

    private static final Logger LOG = Logger.getLogger(Controller.class);

    @Inject
    CorralConfig config;
    @Inject
    SpecStore store;
    @Inject
    ContainerRuntime runtime;
    @Inject
    WorkQueue<ObjectKey> queue;
    @Inject
    ObservedState observed;
    @Inject
    OwnContainer own;
    @Inject
    ReconcileMetrics metrics;
    @Inject
    Instance<KindReconciler> kindReconcilers;

    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean resyncing = new AtomicBoolean();
    private volatile Reconcilers reconcilers;
    private ExecutorService workers;
    private ScheduledExecutorService background;
    private volatile AutoCloseable events;
    private volatile String engineProblem = "not checked yet";

    void start(@Observes StartupEvent ev) {
        if (!config.reconcile().enabled()) {
            LOG.info("reconcile loop disabled (corral.reconcile.enabled=false): specs are stored, the engine is not touched");
            engineProblem = null;
            return;
        }
        var rc = config.reconcile();
        Reconcilers reconcilers = reconcilers();
        background = Executors.newSingleThreadScheduledExecutor(daemon("corral-events"));
        running.set(true);
        store.addListener(this::onStoreEvent);
        workers = Executors.newFixedThreadPool(rc.workers(), daemon("corral-worker"));
        for (int i = 0; i < rc.workers(); i++) {
            workers.submit(this::work);
        }
        background.execute(this::connectEvents);
    }

    void stop(@Observes ShutdownEvent ev) {
        if (!running.getAndSet(false)) {
            return;
        }
        queue.shutdown();
        closeEvents();
        background.shutdownNow();
        workers.shutdownNow();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reconcilers.all().forEach(KindReconciler::shutdown);
    }

    /** Every kind's reconciler, found as CDI beans (built on first use: readiness is asked with the loop off too). */
    private Reconcilers reconcilers() {
        Reconcilers r = reconcilers;
        if (r == null) {
            synchronized (this) {
                if (reconcilers == null) {
                    reconcilers = new Reconcilers(store, kindReconcilers.stream().toList());
                }
                r = reconcilers;
            }
        }
        return r;
    }

    /** When an object counts as converged, for {@code ?wait=true}: its kind's reconciler says. */
    public Readiness.Outcome readiness(SpecObject o) {
        return reconcilers().readiness(o);
    }

    /** Why the engine cannot be used right now, or null when it answers. */
    public String engineProblem() {
        return engineProblem;
    }

    public boolean enabled() {
        return config.reconcile().enabled();
    }

    /** Whether a key was stopped by a terminal error (its status says why). */
    public boolean isTerminal(ObjectKey key) {
        return reconcilers != null && reconcilers.isTerminal(key);
    }

    // ---- triggers ----

    private void onStoreEvent(StoreEvent e) {
        // Status writes are the loop's own output: reacting to them would spin.
        if (e.type() != StoreEvent.Type.STATUS) {
            queue.add(e.key());
        }
    }

    @Scheduled(every = "${corral.reconcile.resync-interval:30s}", delay = 0,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledResync() {
        if (running.get()) {
            resync();
        }
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
            // Sessions first: their networks are what relics wait for.
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

    private void connectEvents() {
        if (!running.get()) {
            return;
        }
        try {
            runtime.ping();
            reconcilers.all().forEach(KindReconciler::engineConnected);
            events = runtime.events(this::onEngineEvent, failure -> {
                if (running.get()) {
                    LOG.warnf("engine event stream ended (%s); reconnecting", failure == null ? "closed" : failure.getMessage());
                    engineProblem = "event stream lost: " + (failure == null ? "closed" : failure.getMessage());
                    closeEvents();
                    background.schedule(this::connectEvents, 1, TimeUnit.SECONDS);
                }
            });
            // Anything that happened while the stream was down is caught by a resync right after connecting.
            resync();
        } catch (java.lang.RuntimeException e) {
            engineProblem = e.getMessage();
            background.schedule(this::connectEvents, 2, TimeUnit.SECONDS);
        }
    }

    private void closeEvents() {
        AutoCloseable e = events;
        if (e != null) {
            try {
                e.close();
            } catch (Exception ignored) {
                // shutting down
            }
        }
    }

    private void onEngineEvent(RuntimeEvent e) {
        Map<String, String> labels = new HashMap<>();
        e.attributes().forEach((k, v) -> {
            if (k.startsWith("corral.dev/")) {
                labels.put(k, v);
            }
        });
        if ("network".equals(e.type())) {
            String container = e.attributes().get("container");
            if (own.is(container) && "disconnect".equals(e.action())) {
                // Corral's own container was cut off a network it probes on: its objects there join it again.
                String name = e.attributes().getOrDefault("name", "");
                own.forget(name, e.actorId());
                observed.containers().stream().filter(c -> c.networks() != null && c.networks().containsKey(name))
                        .map(c -> Ownership.ownerOf(c.labels())).filter(java.util.Objects::nonNull).forEach(queue::add);
                return;
            }
            // Network events come for every network on the engine: only those touching our containers matter.
            if (container != null && observed.container(container).isPresent()
                    && ("connect".equals(e.action()) || "disconnect".equals(e.action()))) {
                observed.setNetwork(container, e.attributes().getOrDefault("name", ""),
                        "connect".equals(e.action()) ? e.actorId() : null);
                observed.container(container).map(c -> Ownership.ownerOf(c.labels())).ifPresent(queue::add);
            }
            if ("destroy".equals(e.action())) {
                observed.removeNetworkById(e.actorId());
                own.forget(e.attributes().get("name"), e.actorId());
                ResourceNames.sessionOfNetwork(e.attributes().getOrDefault("name", "")).ifPresent(queue::add);
            }
            return;
        }
        // A claimed warm container still carries its pool's labels; its run is what its events concern.
        ObjectKey claimant = reconcilers.claimant(e.actorId());
        ObjectKey owner = claimant != null ? claimant : Ownership.ownerOf(labels);
        String action = e.action() == null ? "" : e.action();
        switch (action.startsWith("health_status") ? "health_status" : action) {
            case "die" -> observed.setState(e.actorId(), "exited");
            case "start" -> observed.setState(e.actorId(), "running");
            case "destroy" -> observed.removeContainer(e.actorId());
            case "create" -> {
                if (observed.container(e.actorId()).isEmpty() && Labels.managed(labels)) {
                    observed.put(new ObservedContainer(e.actorId(), e.attributes().getOrDefault("name", e.actorId()),
                            labels, "created"));
                }
            }
            case "oom", "kill", "stop", "health_status" -> {
                // state follows with die; enqueue so status is fresh
            }
            default -> {
                return;
            }
        }
        if (owner != null) {
            queue.add(owner);
        }
    }

    // ---- workers ----

    private void work() {
        while (running.get()) {
            ObjectKey key;
            try {
                key = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (key == null) {
                return;
            }
            try {
                process(key);
            } catch (Throwable t) {
                LOG.errorf(t, "reconcile of %s failed unexpectedly", key);
                queue.addRateLimited(key);
            } finally {
                queue.done(key);
            }
        }
    }

    private void process(ObjectKey key) {
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

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** For tests and benchmarks: the picture of the engine the loop works from. */
    public List<ObservedContainer> observedContainers() {
        return observed.containers();
    }
}
