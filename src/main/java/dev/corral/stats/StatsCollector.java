package dev.corral.stats;

import dev.corral.config.CorralConfig;
import dev.corral.loop.ObservedState;
import dev.corral.ownership.Ownership;
import dev.corral.runtime.ContainerRuntime;
import dev.corral.runtime.ContainerStats;
import dev.corral.runtime.Labels;
import dev.corral.runtime.ObservedContainer;
import dev.corral.spec.ObjectKey;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Shutdown;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Samples every running managed container once per {@code corral.stats.interval} (an idle one less
 * often: {@link SampleCadence}) and keeps the latest sample of each, which {@code GET /stats} and the {@code corral_container_*} series read:
 * a request or a scrape never waits for the engine. The containers are the loop's picture of the
 * engine ({@link ObservedState}), so sampling adds no list call.
 */
@ApplicationScoped
public class StatsCollector {

    private static final Logger LOG = Logger.getLogger(StatsCollector.class);

    @Inject
    ContainerRuntime runtime;
    @Inject
    ObservedState observed;
    @Inject
    CorralConfig config;
    @Inject
    MeterRegistry registry;

    private final Map<String, ContainerUsage> latest = new ConcurrentHashMap<>();
    private ContainerMeters meters;
    /** Samples are read in parallel: through the engine each is a round trip (~10–20 ms). */
    private ExecutorService readers;
    private static final int READERS = 4;
    private SampleCadence cadence;

    @PostConstruct
    void init() {
        init(config.stats());
    }

    void init(CorralConfig.Stats settings) {
        meters = new ContainerMeters(registry);
        cadence = new SampleCadence(settings.interval(), settings.idleInterval());
        readers = Executors.newFixedThreadPool(READERS, r -> {
            Thread t = new Thread(r, "corral-stats");
            t.setDaemon(true);
            return t;
        });
    }

    @Scheduled(every = "${corral.stats.interval:10s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        // The scheduler may fire once more while the application stops, after stop() shut the readers.
        if (config.stats().enabled() && !readers.isShutdown()) {
            sampleDue(Instant.now());
        }
    }

    /** Samples every running managed container now; those gone lose their figures and series. */
    public void refresh() {
        sampleDue(null);
    }

    /** Samples the running managed containers whose turn it is at {@code tick} ({@link SampleCadence}); null: all. */
    void sampleDue(Instant tick) {
        Instant at = tick == null ? Instant.now() : tick;
        List<ObservedContainer> running = new ArrayList<>();
        List<Runnable> samples = new ArrayList<>();
        for (ObservedContainer c : observed.containers()) {
            ObjectKey owner = c.running() ? Ownership.ownerOf(c.labels()) : null;
            if (owner != null) {
                running.add(c);
                if (tick == null || cadence.isDue(c.id(), tick)) {
                    samples.add(() -> sample(c, owner, at));
                }
            }
        }
        List<Future<?>> reads = new ArrayList<>();
        for (List<Runnable> share : shares(samples)) {
            reads.add(readers.submit(() -> share.forEach(StatsCollector::isolated)));
        }
        for (Future<?> f : reads) {
            try {
                f.get(1, TimeUnit.MINUTES);
            } catch (Exception e) {
                LOG.debugf("a stats sample failed: %s", e.toString());
            }
        }
        Set<String> live = new HashSet<>();
        running.forEach(c -> live.add(c.id()));
        latest.keySet().retainAll(live);
        cadence.retain(live);
        meters.retain(latest.keySet());
    }

    /**
     * The samples split in {@link #READERS} shares, one task each. Why not a task per container: read
     * from the kernel's files a sample costs tens of microseconds, less than handing it to a thread
     * and waking it; through the engine it is a round trip, and four shares still run four at a time.
     */
    private static List<List<Runnable>> shares(List<Runnable> samples) {
        int n = Math.min(READERS, samples.size());
        List<List<Runnable>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new ArrayList<>());
        }
        for (int i = 0; i < samples.size(); i++) {
            out.get(i % n).add(samples.get(i));
        }
        return out;
    }

    /** One sample's failure is its own: the rest of its share is still taken. */
    private static void isolated(Runnable sample) {
        try {
            sample.run();
        } catch (RuntimeException e) {
            LOG.debugf("a stats sample failed: %s", e.toString());
        }
    }

    private void sample(ObservedContainer c, ObjectKey owner, Instant at) {
        Optional<ContainerStats> s;
        try {
            s = runtime.stats(c.id());
        } catch (RuntimeException e) {
            LOG.debugf("stats of %s: %s", c.name(), e.toString());
            return;
        }
        if (s.isEmpty()) {
            latest.remove(c.id());
            return;
        }
        ContainerUsage previous = latest.get(c.id());
        ContainerUsage now = new ContainerUsage(owner, "true".equals(c.label(Labels.POOL)),
                c.id(), c.name(), s.get(),
                ContainerUsage.cpuPercent(previous == null ? null : previous.stats(), s.get()));
        latest.put(c.id(), now);
        cadence.sampled(c.id(), at, previous == null ? null : previous.stats(), s.get());
        if (previous == null) {
            meters.track(c.id(), now, () -> latest.getOrDefault(c.id(), now));
        }
    }

    /** Every sampled container, in no particular order. */
    public Collection<ContainerUsage> all() {
        return List.copyOf(latest.values());
    }

    /** The sampled containers of one object (a pool's are its Tool's). */
    public List<ContainerUsage> of(ObjectKey owner) {
        return latest.values().stream().filter(u -> u.owner().equals(owner)).toList();
    }

    public Duration interval() {
        return config.stats().interval();
    }

    @Shutdown
    void stop() {
        readers.shutdownNow();
    }
}
