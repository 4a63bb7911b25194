package dev.corral.loop;

import dev.corral.config.CorralConfig;
import dev.corral.leader.Leadership;
import dev.corral.runtime.ContainerRuntime;
import dev.corral.runtime.ObservedContainer;
import dev.corral.runtime.ObservedNetwork;
import dev.corral.runtime.OwnContainer;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.store.SpecStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the reconcile loop on threads: workers that take keys from the {@link WorkQueue}, and the
 * three triggers that only enqueue — store changes, the engine's event stream (reconnected when it
 * drops) and a periodic resync that lists the engine once per resource type. What each of these
 * does is {@link LoopCore}'s, which needs no CDI and no threads.
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

    @Inject
    Leadership leadership;

    private final AtomicBoolean running = new AtomicBoolean();
    /** Guards starting the loop (when this replica comes to lead) against stopping it. */
    private final Object lifecycle = new Object();
    private boolean stopped;
    private volatile LoopCore core;
    /** Set when the loop is configured off: the engine is then no problem, it is not used. */
    private volatile boolean off;
    private ExecutorService workers;
    private ScheduledExecutorService background;
    private volatile AutoCloseable events;

    void start(@Observes StartupEvent ev) {
        if (!config.reconcile().enabled()) {
            LOG.info("reconcile loop disabled (corral.reconcile.enabled=false): specs are stored, the engine is not touched");
            off = true;
            return;
        }
        // With several Corrals on one etcd store, only the leader reconciles (Leadership).
        leadership.whenLeading(this::startLoop);
    }

    private void startLoop() {
        synchronized (lifecycle) {
            if (stopped) {
                return;
            }
            startWorkers();
        }
    }

    private void startWorkers() {
        var rc = config.reconcile();
        LoopCore core = core();
        // Not published with the loop off: the engine is then not used, so neither up nor down.
        metrics.engineUp(() -> engineProblem() == null);
        background = Executors.newSingleThreadScheduledExecutor(daemon("corral-events"));
        running.set(true);
        store.addListener(core::onStoreEvent);
        workers = Executors.newFixedThreadPool(rc.workers(), daemon("corral-worker"));
        for (int i = 0; i < rc.workers(); i++) {
            workers.submit(this::work);
        }
        background.execute(this::connectEvents);
    }

    void stop(@Observes ShutdownEvent ev) {
        synchronized (lifecycle) {
            stopped = true;
        }
        if (!running.getAndSet(false)) {
            return;
        }
        queue.shutdown();
        closeEvents();
        background.shutdownNow();
        // Workers finish the reconcile they are in (the queue now hands out nothing): one interrupted halfway
        // would leave its step to the next start. Interrupted only if one takes longer than that.
        workers.shutdown();
        try {
            if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
                workers.shutdownNow();
                workers.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        core.reconcilers().all().forEach(KindReconciler::shutdown);
    }

    /** The loop over every kind's reconciler, found as CDI beans (built on first use: readiness is asked with the loop off too). */
    private LoopCore core() {
        LoopCore c = core;
        if (c == null) {
            synchronized (this) {
                if (core == null) {
                    Reconcilers reconcilers = new Reconcilers(store, kindReconcilers.stream().toList());
                    if (!reconcilers.unreconciled().isEmpty()) {
                        // Reconcilers are chosen by the exact text of corral.engine.mode and corral.engine.runs.
                        throw new IllegalStateException("no reconciler for " + reconcilers.unreconciled()
                                + ": corral.engine.mode must be docker or swarm, corral.engine.runs manager or swarm"
                                + " (lower case)");
                    }
                    core = new LoopCore(store, runtime, queue, observed, own, metrics, reconcilers);
                }
                c = core;
            }
        }
        return c;
    }

    /** When an object counts as converged, for {@code ?wait=true}: its kind's reconciler says. */
    public Readiness.Outcome readiness(SpecObject o) {
        return core().reconcilers().readiness(o);
    }

    /** Why the engine cannot be used right now, or null when it answers. */
    public String engineProblem() {
        LoopCore c = core;
        return off ? null : c == null ? "not checked yet" : c.engineProblem();
    }

    public boolean enabled() {
        return config.reconcile().enabled();
    }

    /** Whether a key was stopped by a terminal error (its status says why). */
    public boolean isTerminal(ObjectKey key) {
        LoopCore c = core;
        return c != null && c.reconcilers().isTerminal(key);
    }

    // ---- triggers ----

    @Scheduled(every = "${corral.reconcile.resync-interval:30s}", delay = 0,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledResync() {
        if (running.get()) {
            resync();
        }
    }

    /** See {@link LoopCore#resync()}. */
    public void resync() {
        LoopCore c = core;
        if (c != null) {
            c.resync();
        }
    }

    private void connectEvents() {
        if (!running.get()) {
            return;
        }
        try {
            runtime.ping();
            core.reconcilers().all().forEach(KindReconciler::engineConnected);
            // Starts and deaths missed while the stream was down: what it said before is not the whole story.
            observed.lastRuns().forgetUnfinished();
            events = runtime.events(core::onEngineEvent, failure -> {
                if (running.get()) {
                    LOG.warnf("engine event stream ended (%s); reconnecting", failure == null ? "closed" : failure.getMessage());
                    core.engineProblem("event stream lost: " + (failure == null ? "closed" : failure.getMessage()));
                    closeEvents();
                    background.schedule(this::connectEvents, 1, TimeUnit.SECONDS);
                }
            });
            // Anything that happened while the stream was down is caught by a resync right after connecting.
            resync();
            core.sweepLostVolumes();
        } catch (java.lang.RuntimeException e) {
            core.engineProblem(e.getMessage());
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
                core.process(key);
            } catch (Throwable t) {
                LOG.errorf(t, "reconcile of %s failed unexpectedly", key);
                queue.addRateLimited(key);
            } finally {
                queue.done(key);
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

    /** Corral's networks in the picture of the engine (as of the last list and the events since). */
    public Collection<ObservedNetwork> observedNetworks() {
        return observed.networks();
    }
}
