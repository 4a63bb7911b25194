package dev.corral.stats;

import dev.corral.runtime.ContainerStats;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each container is next sampled: every {@code interval} while it works, and twice as long
 * after each sample that found it idle ({@link #idleBetween}), up to {@code idleInterval}; the first
 * sample that finds it working brings it back to {@code interval}. This is cAdvisor's "dynamic housekeeping" (the kubelet's
 * sampler). Why: most of an agent platform's containers sit waiting (a relic between requests, a
 * warm pool's container on its stdin), and reading nine kernel files for each of them every
 * interval was most of Corral's idle CPU; an unchanged figure re-read is no news.
 */
final class SampleCadence {

    private final Duration interval;
    private final Duration idleInterval;
    private final Map<String, Due> due = new ConcurrentHashMap<>();

    private record Due(Duration every, Instant at) {
    }

    SampleCadence(Duration interval, Duration idleInterval) {
        this.interval = interval;
        this.idleInterval = idleInterval.compareTo(interval) < 0 ? interval : idleInterval;
    }

    /** Whether the container is to be sampled at the tick {@code now}: unknown ones always are. */
    boolean isDue(String containerId, Instant now) {
        Due d = due.get(containerId);
        return d == null || !now.isBefore(d.at());
    }

    /** Records a sample taken at {@code now}; {@code previous} is the one before it (null if none). */
    void sampled(String containerId, Instant now, ContainerStats previous, ContainerStats current) {
        Due d = due.get(containerId);
        Duration every = d != null && previous != null && idleBetween(previous, current)
                ? min(d.every().multipliedBy(2), idleInterval) : interval;
        // The ticks are `interval` apart and never exactly on time: a container due half a tick
        // early is taken at the tick nearest its time rather than one tick late.
        due.put(containerId, new Due(every, now.plus(every).minus(interval.dividedBy(2))));
    }

    /** Forgets the containers that are not in {@code live}. */
    void retain(Set<String> live) {
        due.keySet().retainAll(live);
    }

    /**
     * Whether the container did nothing between the two samples: no CPU used, nothing sent or written,
     * the same memory, limit and processes. Received bytes are left out: a bridge's broadcasts and
     * multicast arrive at every container on it, are dropped by the kernel without waking anything,
     * and would keep every container "busy"; a request that a process reads uses CPU.
     */
    static boolean idleBetween(ContainerStats a, ContainerStats b) {
        return a.cpuSeconds() == b.cpuSeconds() && Objects.equals(a.memoryBytes(), b.memoryBytes())
                && Objects.equals(a.memoryLimitBytes(), b.memoryLimitBytes()) && Objects.equals(a.pids(), b.pids())
                && a.networkTxBytes() == b.networkTxBytes()
                && a.blockReadBytes() == b.blockReadBytes() && a.blockWriteBytes() == b.blockWriteBytes();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
