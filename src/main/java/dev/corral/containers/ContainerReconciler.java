package dev.corral.containers;

import dev.corral.events.EventRecorder;
import dev.corral.loop.ReconcileMetrics;
import dev.corral.loop.Result;
import dev.corral.runtime.ContainerDetails;
import dev.corral.runtime.OwnContainer;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.spec.model.Phase;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reconciles one Relic or Agent: observe ({@link ContainerObserver}), plan ({@link Planner}, pure),
 * execute ({@link Executor}), then write status. Level-triggered: it never asks what event woke it.
 * What it observed for the first time is told as events: a container that ended ({@code Killed},
 * {@code OOMKilled}, {@code Completed}), a crash loop waiting ({@code BackOff}), a container found
 * from an earlier run of Corral ({@code Adopted}); the executor tells what it did.
 */
public final class ContainerReconciler extends StatusReporting {

    private static final Logger LOG = Logger.getLogger(ContainerReconciler.class);

    private final ContainerObserver observer;
    private final Executor executor;
    private final PlannerSettings settings;
    private final ReconcileMetrics metrics;
    private final Consumer<ObjectKey> enqueue;
    private final Clock clock;
    private final OwnContainer own;

    public ContainerReconciler(ContainerObserver observer, Executor executor, StatusWriter status,
                               PlannerSettings settings, ReconcileMetrics metrics, Consumer<ObjectKey> enqueue,
                               Clock clock, OwnContainer own, EventRecorder events) {
        super(status, events);
        this.observer = observer;
        this.executor = executor;
        this.settings = settings;
        this.metrics = metrics;
        this.enqueue = enqueue;
        this.clock = clock;
        this.own = own;
    }

    @Override
    public Set<Kind> kinds() {
        return Set.of(Kind.Relic, Kind.Agent);
    }

    @Override
    public Result reconcile(ObjectKey key, SpecObject o) {
        if (o == null) {
            metrics.forget(key);
            executor.execute(key, null, Planner.container(null, observer.gone(key), null, null, clock.instant(), settings));
            return Result.DONE;
        }
        DesiredContainer d = ContainerSpecs.desired(o);
        ContainerObserver.Seen seen = observer.observe(key, d, o.status());
        if (seen.stale()) {
            enqueue.accept(key);
            return Result.DONE;
        }
        Plan plan = Planner.container(d, seen.engine(), seen.crash(), seen.probe(), clock.instant(), settings);
        if (!plan.isEmpty()) {
            LOG.debugf("%s plan:\n%s", key, plan);
        }
        observed(o, d, seen, plan);
        executor.execute(key, d.uid(), plan);
        if (plan.recreates()) {
            observer.recreated(key);
        }
        if (plan.restart()) {
            observer.restarted(key, d.generation());
            metrics.restarted(key.kind());
        }
        status.container(o, d, plan, observer.current(key, d.name()).orElse(null), observer.restarts(key),
                observer.restartsSince(key, d.generation()), seen.engine().keeperDetails());
        if (!plan.isEmpty()) {
            // Look again at once: status then reflects what the plan did (a started container, a first probe).
            return Result.requeueAfter(Duration.ZERO);
        }
        return plan.requeueAfter() == null ? Result.DONE : Result.requeueAfter(plan.requeueAfter());
    }

    /** Events for what this look saw first: an end, a crash loop's wait, a container left by an earlier Corral. */
    private void observed(SpecObject o, DesiredContainer d, ContainerObserver.Seen seen, Plan plan) {
        String uid = d.uid();
        ContainerDetails ended = seen.engine().keeperDetails();
        if (seen.justEnded() && ended != null) {
            if (ended.oomKilled()) {
                events.warning(o.key(), uid, "OOMKilled", "container " + d.name() + " was killed for exceeding its "
                        + "memory limit (exit code " + ended.exitCode() + ")");
            } else if (ended.exitCode() != null && ended.exitCode() == 0) {
                events.normal(o.key(), uid, "Completed", "container " + d.name() + " exited with code 0");
            } else {
                events.warning(o.key(), uid, "Killed", "container " + d.name() + " died: exited with code "
                        + ended.exitCode() + (ended.error() == null || ended.error().isBlank() ? "" : " (" + ended.error() + ")"));
            }
            if (plan.phase() == Phase.CrashLoopBackOff) {
                // The kubelet's words, with nothing that varies: every crash of the loop counts on one event.
                events.warning(o.key(), uid, "BackOff", "Back-off restarting failed container " + d.name());
            }
        }
        if (seen.firstLook() && !seen.engine().owned().isEmpty() && !plan.recreates()) {
            events.normal(o.key(), uid, "Adopted", "adopted container " + d.name() + ", left by an earlier run of Corral");
        }
    }

    /** Stops the probes and the executor's pool (the Session reconciler shares the executor, and stops with the loop). */
    @Override
    public void shutdown() {
        observer.shutdown();
        executor.shutdown();
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
}
