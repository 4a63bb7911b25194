package dev.corral.stats;

import dev.corral.config.CorralConfig;
import dev.corral.loop.ObservedState;
import dev.corral.ownership.Ownership;
import dev.corral.runtime.ContainerRequest;
import dev.corral.runtime.ContainerStats;
import dev.corral.runtime.ObservedContainer;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.testing.FakeRuntime;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sampling on a fake engine: the rate between samples, the series per container, and their removal. */
class StatsCollectorTest {

    static final ObjectKey WEB = ObjectKey.of(Kind.Relic, "s1", "web");
    static final Instant T0 = Instant.parse("2026-12-05T09:00:00Z");

    FakeRuntime engine = new FakeRuntime();
    ObservedState observed = new ObservedState();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    StatsCollector collector = new StatsCollector();
    String id;

    @BeforeEach
    void setUp() {
        collector.runtime = engine;
        collector.observed = observed;
        collector.registry = registry;
        collector.init(settings(Duration.ofSeconds(10), Duration.ofSeconds(30)));
        Map<String, String> labels = Ownership.of(Kind.Relic, "s1", "web", "uid-1");
        labels.put(dev.corral.runtime.Labels.INSTANCE, "test");
        id = engine.createContainer(new ContainerRequest("corral-relic-s1-web", "img", null, List.of(), Map.of(), labels,
                0, 0, 0, null, List.of(), List.of()));
        engine.startContainer(id);
        observed.put(new ObservedContainer(id, "corral-relic-s1-web", labels, "running"));
    }

    @Test
    void twoSamplesGiveACpuRateAndSeriesThatFollowTheLatest() {
        engine.stats.put(id, sample(T0, 1.0, 1000));
        collector.refresh();
        ContainerUsage first = collector.of(WEB).get(0);
        assertNull(first.cpuPercent(), "no rate from one sample");
        assertEquals("corral-relic-s1-web", first.containerName());

        engine.stats.put(id, sample(T0.plusSeconds(10), 3.5, 2000));
        collector.refresh();
        ContainerUsage second = collector.of(WEB).get(0);
        assertEquals(25.0, second.cpuPercent(), 1e-9, "2.5 CPU seconds in 10 s: a quarter of a core");

        FunctionCounter cpu = registry.get("corral_container_cpu_seconds_total")
                .tags("kind", "Relic", "session", "s1", "name", "web").functionCounter();
        assertEquals(3.5, cpu.count(), 1e-9);
        Gauge memory = registry.get("corral_container_memory_bytes").tags("name", "web").gauge();
        assertEquals(2000, memory.value(), 1e-9);
        assertEquals(1, registry.find("corral_container_network_receive_bytes_total").functionCounters().size());
    }

    @Test
    void aContainerThatIsGoneLosesItsFiguresAndSeries() {
        engine.stats.put(id, sample(T0, 1.0, 1000));
        collector.refresh();
        assertEquals(1, collector.all().size());
        observed.removeContainer(id);
        collector.refresh();
        assertTrue(collector.all().isEmpty());
        assertTrue(registry.find("corral_container_cpu_seconds_total").meters().isEmpty());
        assertTrue(registry.find("corral_container_memory_bytes").meters().isEmpty());
    }

    @Test
    void aCounterThatWentBackwardsGivesNoRate() {
        engine.stats.put(id, sample(T0, 5.0, 1000));
        collector.refresh();
        engine.stats.put(id, sample(T0.plusSeconds(10), 0.5, 1000)); // restarted in between
        collector.refresh();
        assertNull(collector.of(WEB).get(0).cpuPercent());
    }

    @Test
    void unmanagedAndStoppedContainersAreNotSampled() {
        observed.put(new ObservedContainer("other", "someone-elses", Map.of("app", "x"), "running"));
        engine.stats.put(id, sample(T0, 1.0, 1000));
        engine.stopContainer(id, java.time.Duration.ZERO);
        observed.setState(id, "exited");
        collector.refresh();
        assertTrue(collector.all().isEmpty());
    }

    @Test
    void aContainerWhoseUsageDoesNotMoveIsSampledLessOftenUntilItMovesAgain() {
        engine.stats.put(id, sample(T0, 1.0, 1000));
        List<Integer> sampledAt = new java.util.ArrayList<>();
        engine.statsCalls = 0;
        for (int tick = 0; tick <= 120; tick += 10) {
            int before = engine.statsCalls;
            collector.sampleDue(T0.plusSeconds(tick));
            if (engine.statsCalls > before) {
                sampledAt.add(tick);
            }
        }
        // 0: first; 10: the first unchanged one doubles to 20; then 40 capped at 30.
        assertEquals(List.of(0, 10, 30, 60, 90, 120), sampledAt);

        // It starts working: taken at the next tick that is its turn, then every interval while it moves.
        sampledAt.clear();
        for (int tick = 130; tick <= 180; tick += 10) {
            engine.stats.put(id, sample(T0.plusSeconds(tick), 1.0 + tick / 100.0, 1000));
            int before = engine.statsCalls;
            collector.sampleDue(T0.plusSeconds(tick));
            if (engine.statsCalls > before) {
                sampledAt.add(tick);
            }
        }
        assertEquals(List.of(150, 160, 170, 180), sampledAt);
        assertEquals(2.8, collector.of(WEB).get(0).stats().cpuSeconds(), 1e-9);
    }

    @Test
    void bytesArrivingAloneLeaveAContainerIdleButBytesSentDoNot() {
        ContainerStats base = sample(T0, 1.0, 1000);
        ContainerStats received = new ContainerStats(T0.plusSeconds(10), 1.0, 1000L, null, null, 10 + 140, 20, 30, 40, 1L, "cgroup");
        ContainerStats sent = new ContainerStats(T0.plusSeconds(10), 1.0, 1000L, null, null, 10, 20 + 60, 30, 40, 1L, "cgroup");
        assertTrue(SampleCadence.idleBetween(base, received), "a bridge's broadcasts wake nothing");
        assertFalse(SampleCadence.idleBetween(base, sent));
        assertFalse(SampleCadence.idleBetween(base, sample(T0.plusSeconds(10), 1.0, 1001)), "memory moved");
        assertTrue(SampleCadence.idleBetween(base, sample(T0.plusSeconds(10), 1.0, 1000)));
    }

    @Test
    void refreshSamplesEveryContainerWhateverItsTurn() {
        engine.stats.put(id, sample(T0, 1.0, 1000));
        collector.sampleDue(T0);
        collector.sampleDue(T0.plusSeconds(10));
        int before = engine.statsCalls;
        collector.sampleDue(T0.plusSeconds(20));
        assertEquals(before, engine.statsCalls, "not its turn");
        collector.refresh();
        assertEquals(before + 1, engine.statsCalls);
    }

    static CorralConfig.Stats settings(Duration interval, Duration idleInterval) {
        return new CorralConfig.Stats() {
            public boolean enabled() {
                return true;
            }

            public Duration interval() {
                return interval;
            }

            public Duration idleInterval() {
                return idleInterval;
            }

            public Source source() {
                return Source.AUTO;
            }
        };
    }

    private static ContainerStats sample(Instant at, double cpu, long memory) {
        return new ContainerStats(at, cpu, memory, null, null, 10, 20, 30, 40, 1L, "cgroup");
    }
}
