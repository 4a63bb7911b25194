package dev.corral.runs;

import dev.corral.config.CorralConfig;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.spec.model.PoolBounds;
import dev.corral.spec.model.RunPhase;
import dev.corral.spec.model.ToolRunSpec;
import dev.corral.spec.model.ToolSpec;
import dev.corral.store.Query;
import dev.corral.store.SpecStore;
import dev.corral.store.StoreEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Runs and warm pools as Prometheus series: {@code corral_runs_total{phase,runner}},
 * {@code corral_run_duration_seconds{runner}}, {@code corral_run_queue_seconds},
 * {@code corral_pool_size{pool}} and {@code corral_pool_idle{pool}}.
 *
 * <p>Read from the runs' status as the store records it, not from the executors: a run is
 * counted when its status first says it finished (so once, whichever path ended it, and a
 * run ended before a restart is not counted again after it), and its queue time when its
 * status first says Running. A warm run retried after its container died (rare) counts its
 * queue time once per attempt.
 *
 * <p>{@code runner} is the language ({@code bash}, {@code python}, {@code node}) or
 * {@code tool/<name>} (prefixed, since a Tool may be named like a language), never a run's
 * name; a tool run whose Tool does not exist counts as {@value #UNKNOWN_TOOL}, so runs of
 * made-up tool names cannot add series.
 */
public final class RunMetrics {

    /** A runner label no Tool can have ('@' is not a name character). */
    static final String UNKNOWN_TOOL = "tool/@unknown";

    /** A warm bash run takes ~50 ms, a cold one ~200 ms; timeouts reach minutes. */
    private static final Duration[] RUN_BUCKETS = {Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1),
            Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(10)};

    /** From stored to started: milliseconds with a free slot, as long as the runs ahead take without one. */
    private static final Duration[] QUEUE_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5),
            Duration.ofMinutes(10)};

    private final MeterRegistry registry;
    private final SpecStore store;
    private final WarmPools pools;
    private final CorralConfig.Runs config;
    private final Timer queue;
    private final Map<ObjectKey, List<Meter>> poolGauges = new ConcurrentHashMap<>();

    public RunMetrics(MeterRegistry registry, SpecStore store, WarmPools pools, CorralConfig.Runs config) {
        this.registry = registry;
        this.store = store;
        this.pools = pools;
        this.config = config;
        this.queue = Timer.builder("corral_run_queue_seconds")
                .description("Time from a run being stored to its start (waiting for a run slot included)")
                .serviceLevelObjectives(QUEUE_BUCKETS).register(registry);
    }

    /**
     * Starts publishing: a store listener first, then the pools that exist now (a Tool stored in
     * between is seen twice, harmlessly: registering a pool's gauges again changes nothing).
     */
    public RunMetrics attach() {
        store.addListener(this::onEvent);
        for (Runner r : Runner.values()) {
            if (r.pool(config).pooled()) {
                poolGauges(r.poolKey(), "runner/" + r.language(), () -> r.pool(config));
            }
        }
        store.list(Query.ofKind(Kind.Tool)).forEach(this::toolChanged);
        return this;
    }

    private void onEvent(StoreEvent e) {
        if (e.key().kind() == Kind.Tool) {
            if (e.type() == StoreEvent.Type.DELETED) {
                removePool(e.key());
            } else {
                toolChanged(e.object());
            }
        } else if (e.key().kind() == Kind.ToolRun && e.type() == StoreEvent.Type.STATUS) {
            runChanged(e.previous(), e.object());
        }
    }

    private void runChanged(SpecObject before, SpecObject run) {
        RunPhase was = before == null ? null : RunPhase.ofStatus(before.status());
        RunStatus now = RunStatus.of(run.status());
        if (now.phase() == RunPhase.RUNNING && was != RunPhase.RUNNING) {
            Instant stored = run.metadata().createdAt();
            if (stored != null && now.startedAt() != null) {
                queue.record(max0(Duration.between(stored, now.startedAt())));
            }
        }
        if (now.finished() && (was == null || !was.finished())) {
            String runner = runner(run);
            Counter.builder("corral_runs_total").description("Runs finished, by phase and runner")
                    .tag("phase", now.phase().json()).tag("runner", runner).register(registry).increment();
            if (run.status().hasNonNull("durationMs")) {
                Timer.builder("corral_run_duration_seconds")
                        .description("Time from a run's start to its end, by runner (runs that never started: not timed)")
                        .serviceLevelObjectives(RUN_BUCKETS).tag("runner", runner).register(registry)
                        .record(Duration.ofMillis(run.status().get("durationMs").asLong()));
            }
        }
    }

    /** The run's {@code runner} label: its language, or its Tool when that exists. */
    String runner(SpecObject run) {
        ToolRunSpec spec = ToolRunSpec.of(run.spec());
        if (spec.languageRun()) {
            // Validated against the three languages: a fixed set.
            return spec.language();
        }
        ObjectKey tool = RunContainers.toolKey(spec);
        return store.get(tool).isPresent() ? "tool/" + tool.name() : UNKNOWN_TOOL;
    }

    private void toolChanged(SpecObject tool) {
        if (ToolSpec.of(tool.spec()).pool().pooled()) {
            ObjectKey key = tool.key();
            poolGauges(key, "tool/" + key.name(),
                    () -> store.get(key).map(t -> ToolSpec.of(t.spec()).pool()).orElse(PoolBounds.NONE));
        } else {
            removePool(tool.key());
        }
    }

    private void poolGauges(ObjectKey key, String pool, Supplier<PoolBounds> bounds) {
        poolGauges.computeIfAbsent(key, k -> List.of(
                Gauge.builder("corral_pool_size", () -> bounds.get().size())
                        .description("Warm containers a pool is kept at whatever the demand").tag("pool", pool).register(registry),
                Gauge.builder("corral_pool_target", () -> pools.target(key, bounds.get()))
                        .description("Warm containers a pool is kept at now: its size, more while runs find it empty (up to its max)")
                        .tag("pool", pool).register(registry),
                Gauge.builder("corral_pool_idle", () -> pools.idleCount(key))
                        .description("Warm containers of a pool waiting idle for a run right now")
                        .tag("pool", pool).register(registry)));
    }

    private void removePool(ObjectKey key) {
        List<Meter> meters = poolGauges.remove(key);
        if (meters != null) {
            meters.forEach(registry::remove);
        }
    }

    private static Duration max0(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }
}
