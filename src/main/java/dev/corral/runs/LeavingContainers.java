package dev.corral.runs;

import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * Run containers, warm or cold, that have served their run, on their way out. Each is removed at once when no
 * other run is under way; while runs are, its removal waits until they are done — at most {@link #MAX_WAIT},
 * and never for more than {@link #MAX_WAITING} containers at once. Why: a removal costs the engine ~50 ms (on
 * 2 cores), as much as a warm run itself, and in a burst the removals of the runs already done competed with
 * the ones still being run. A container waiting here has exited (its output is collected): it holds no
 * process and no address, only its thin writable layer; neither its run's reconcile nor its pool's removes it
 * meanwhile ({@link RunObserver}, {@link WarmPools#leaving}). At shutdown every one waiting is removed; after
 * a crash, the next start removes what was left: a cold one as its finished run's, a warm one as a warm
 * container an earlier process made.
 */
final class LeavingContainers implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LeavingContainers.class);

    /** The longest a used container waits for the runs to be done, so that a steady load does not pile them up. */
    static final Duration MAX_WAIT = Duration.ofSeconds(10);
    /** Beyond this many waiting, a used container is removed at once. */
    static final int MAX_WAITING = 256;
    private static final Duration TICK = Duration.ofMillis(100);

    private final Map<String, Instant> waiting = new LinkedHashMap<>();
    private final Consumer<String> remove;
    private final IntSupplier runsUnderWay;
    private final Clock clock;
    private final ScheduledExecutorService reaper;
    private boolean ticking;
    /** One tick at a time (the reaper's, or a test's): a container is removed once. */
    private final Object ticker = new Object();
    private boolean closed;

    /**
     * @param remove       removes a container for good (may throw: it is then left to the pool's reconciler)
     * @param runsUnderWay how many runs hold a slot now
     */
    LeavingContainers(Consumer<String> remove, IntSupplier runsUnderWay, Clock clock) {
        this.remove = remove;
        this.runsUnderWay = runsUnderWay;
        this.clock = clock;
        this.reaper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "corral-used-container-removal");
            t.setDaemon(true);
            return t;
        });
    }

    /** Removes a used container now, or once the runs under way are done. */
    void dispose(String id) {
        synchronized (this) {
            if (!closed && runsUnderWay.getAsInt() > 0 && waiting.size() < MAX_WAITING) {
                waiting.putIfAbsent(id, clock.instant());
                if (!ticking) {
                    ticking = true;
                    reaper.schedule(this::tickAndReschedule, TICK.toMillis(), TimeUnit.MILLISECONDS);
                }
                return;
            }
        }
        removeQuietly(id);
    }

    /** Whether {@code id} waits here to be removed. */
    synchronized boolean holds(String id) {
        return waiting.containsKey(id);
    }

    synchronized int waitingCount() {
        return waiting.size();
    }

    /**
     * Removes, oldest first, every container that need not wait any more: all of them once no run is under way,
     * else those that waited {@link #MAX_WAIT}. Stops as soon as runs start again (they go first).
     */
    void tick() {
        synchronized (ticker) {
            removeDue();
        }
    }

    private void removeDue() {
        while (true) {
            String id;
            synchronized (this) {
                var oldest = waiting.entrySet().stream().findFirst().orElse(null);
                if (oldest == null || runsUnderWay.getAsInt() > 0
                        && Duration.between(oldest.getValue(), clock.instant()).compareTo(MAX_WAIT) < 0) {
                    return;
                }
                id = oldest.getKey();
            }
            removeQuietly(id);
            synchronized (this) {
                waiting.remove(id);
            }
        }
    }

    private void tickAndReschedule() {
        try {
            tick();
        } finally {
            synchronized (this) {
                ticking = !waiting.isEmpty() && !closed;
                if (ticking) {
                    reaper.schedule(this::tickAndReschedule, TICK.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        }
    }

    private void removeQuietly(String id) {
        try {
            remove.accept(id);
        } catch (RuntimeException e) {
            // Said by the removal; the pool's reconciler removes it on its next pass (it is no longer leaving).
            LOG.debugf("used container %s not removed: %s", id, e.getMessage());
        }
    }

    /** Removes every container still waiting. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        reaper.shutdownNow();
        for (String id : drain()) {
            removeQuietly(id);
        }
    }

    private synchronized java.util.List<String> drain() {
        java.util.List<String> ids = java.util.List.copyOf(waiting.keySet());
        waiting.clear();
        return ids;
    }
}
