package dev.corral.loop;

import dev.corral.spec.Kind;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The loop's series that are more than a counter: the engine gauge, restarts at zero, the reconcile histogram. */
class ReconcileMetricsTest {

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final ReconcileMetrics metrics = new ReconcileMetrics(registry, () -> 0);

    @Test
    void engineUpFollowsWhatTheLoopKnows() {
        AtomicBoolean up = new AtomicBoolean(false);
        metrics.engineUp(up::get);
        assertEquals(0.0, registry.get("corral_engine_up").gauge().value());
        up.set(true);
        assertEquals(1.0, registry.get("corral_engine_up").gauge().value());
    }

    @Test
    void restartsStartAtZeroForRelicsAndAgents() {
        assertEquals(0.0, registry.get("corral_container_restarts_total").tag("kind", "Relic").counter().count());
        assertEquals(0.0, registry.get("corral_container_restarts_total").tag("kind", "Agent").counter().count());
        metrics.restarted(Kind.Relic);
        assertEquals(1.0, registry.get("corral_container_restarts_total").tag("kind", "Relic").counter().count());
    }

    @Test
    void reconcileLatencyHasBucketsFromAMillisecondToThirtySeconds() {
        metrics.reconciled(Kind.Relic, Result.DONE, Duration.ofMillis(3));
        Timer t = registry.get("corral_reconcile_duration_seconds").tag("kind", "Relic").timer();
        CountAtBucket[] buckets = t.takeSnapshot().histogramCounts();
        assertEquals(0.001, buckets[0].bucket(TimeUnit.SECONDS), 1e-12);
        assertEquals(30.0, buckets[buckets.length - 1].bucket(TimeUnit.SECONDS), 1e-12);
        assertEquals(1.0, Arrays.stream(buckets).filter(b -> b.bucket(TimeUnit.SECONDS) == 0.005)
                .findFirst().orElseThrow().count(), "3 ms falls under the 5 ms bucket");
    }
}
