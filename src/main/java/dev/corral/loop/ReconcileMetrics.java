package dev.corral.loop;

import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.model.Phase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The reconcile loop's Prometheus metrics ({@code corral_reconcile_*}, {@code corral_workqueue_*}, ...); every
 * series is listed in docs/observability.md.
 */
public final class ReconcileMetrics {

    /**
     * {@code corral_reconcile_duration_seconds}'s buckets: a reconcile that changes nothing takes about a
     * millisecond, one that creates a container tens to hundreds, one that pulls an image seconds.
     */
    private static final Duration[] RECONCILE_BUCKETS = {Duration.ofMillis(1), Duration.ofNanos(2_500_000),
            Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};

    private final MeterRegistry registry;
    private final Map<ObjectKey, Phase> phases = new ConcurrentHashMap<>();
    private final Set<String> phaseGauges = ConcurrentHashMap.newKeySet();
    private volatile IntSupplier poolFree = () -> -1;
    private final Counter retries;

    public ReconcileMetrics(MeterRegistry registry, Supplier<Number> queueDepth) {
        this.registry = registry;
        Gauge.builder("corral_workqueue_depth", queueDepth).description("Keys waiting to be reconciled")
                .register(registry);
        Gauge.builder("corral_network_pool_free", this, m -> m.poolFree.getAsInt())
                .description("Free subnets in the session network pool (-1: not yet known)").register(registry);
        retries = Counter.builder("corral_workqueue_retries_total").description("Keys re-queued after a failure")
                .register(registry);
        // At zero from the start: a crash-loop alert's increase() then sees the first restart.
        restarts(Kind.Relic);
        restarts(Kind.Agent);
    }

    public void reconciled(Kind kind, Result result, Duration took) {
        Counter.builder("corral_reconcile_total").description("Reconciles by kind and result")
                .tag("kind", kind.name()).tag("result", result.metricName()).register(registry).increment();
        Timer.builder("corral_reconcile_duration_seconds").description("Time per reconcile, by kind")
                .serviceLevelObjectives(RECONCILE_BUCKETS).tag("kind", kind.name()).register(registry).record(took);
    }

    /**
     * Publishes {@code corral_engine_up}: 1 while the loop can use the engine (it answered the last resync and
     * the event stream is connected), 0 otherwise. Read from what the loop already knows: a scrape makes no
     * engine call.
     */
    public void engineUp(BooleanSupplier up) {
        // A supplier gauge holds its function strongly (an object gauge only weakly: the lambda would be collected).
        Gauge.builder("corral_engine_up", () -> up.getAsBoolean() ? 1 : 0)
                .description("1 while the Docker engine answers the reconcile loop, 0 while it does not")
                .register(registry);
    }

    public void retried() {
        retries.increment();
    }

    public void restarted(Kind kind) {
        restarts(kind).increment();
    }

    private Counter restarts(Kind kind) {
        return Counter.builder("corral_container_restarts_total").description("Containers restarted after they ended")
                .tag("kind", kind.name()).register(registry);
    }

    /** Records an object's phase, for {@code corral_managed_containers{kind,phase}}. */
    public void phase(ObjectKey key, Phase phase) {
        if (key.kind() != Kind.Relic && key.kind() != Kind.Agent) {
            return;
        }
        phases.put(key, phase);
        String id = key.kind().name() + "/" + phase.name();
        if (phaseGauges.add(id)) {
            Gauge.builder("corral_managed_containers", phases,
                            m -> m.entrySet().stream().filter(e -> e.getKey().kind() == key.kind()
                                    && e.getValue() == phase).count())
                    .description("Managed Relics and Agents by phase")
                    .tag("kind", key.kind().name()).tag("phase", phase.name()).register(registry);
        }
    }

    public void forget(ObjectKey key) {
        phases.remove(key);
    }

    /**
     * Where {@code corral_network_pool_free} is read from, when it is read (a scrape): counting the free
     * subnets takes every network's subnet, too much to do in every session's reconcile.
     */
    public void poolFree(IntSupplier free) {
        poolFree = free;
    }
}
