package dev.corral.runs;

import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
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
 * process and no address, only its thin writable layer; neither its finished run's reconcile nor its pool's
 * removes it meanwhile ({@link RunObserver}, {@link WarmPools#leaving}); a deleted run's does, at once.
 * A removal the engine refuses is tried again at the next tick, {@link #ATTEMPTS} times in all, then left to
 * the container's owner ({@code giveUp}: its run or its pool, looked at again). At shutdown every one waiting
 * is removed, a few at a time; after a crash, the next start removes what was left: a cold one as its
 * finished run's, a warm one as a warm container an earlier process made.
 */
final class LeavingContainers implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LeavingContainers.class);

    /** The longest a used container waits for the runs to be done, so that a steady load does not pile them up. */
    static final Duration MAX_WAIT = Duration.ofSeconds(10);
    /** Beyond this many waiting, a used container is removed at once. */
    static final int MAX_WAITING = 256;
    /** Tries at removing one before it is left to its owner. */
    static final int ATTEMPTS = 3;
    /** Removals at once at shutdown ({@link #removeAll}). */
    private static final int CLOSING_PARALLELISM = 8;
    private static final Duration TICK = Duration.ofMillis(100);

    private record Waiting(Instant since, int failures) {
    }

    private final Map<String, Waiting> waiting = new LinkedHashMap<>();
    private final Consumer<String> remove;
    private final Consumer<String> giveUp;
    private final IntSupplier runsUnderWay;
    private final Clock clock;
    private final ScheduledExecutorService reaper;
    /** One tick at a time (the reaper's, or a test's): a container is removed once. */
    private final Object ticker = new Object();
    private boolean ticking;
    private boolean closed;

    /**
     * @param remove       removes a container for good (throws when the engine refuses)
     * @param giveUp       told of a container whose removal failed {@link #ATTEMPTS} times
     * @param runsUnderWay how many runs hold a slot now
     */
    LeavingContainers(Consumer<String> remove, Consumer<String> giveUp, IntSupplier runsUnderWay, Clock clock) {
        this.remove = remove;
        this.giveUp = giveUp;
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
                waiting.putIfAbsent(id, new Waiting(clock.instant(), 0));
                tickSoon();
                return;
            }
        }
        if (!tryRemove(id)) {
            synchronized (this) {
                // Tried again at the next tick, whatever the bound: it must not be forgotten.
                waiting.put(id, new Waiting(clock.instant(), 1));
                tickSoon();
            }
        }
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
     * else those that waited {@link #MAX_WAIT} (or failed before). Stops as soon as runs start again (they go
     * first), and at a failure (tried again at the next tick).
     */
    void tick() {
        synchronized (ticker) {
            while (true) {
                Map.Entry<String, Waiting> due = nextDue();
                if (due == null) {
                    return;
                }
                String id = due.getKey();
                boolean removed = tryRemove(id);
                boolean gaveUp = false;
                synchronized (this) {
                    if (removed || due.getValue().failures() + 1 >= ATTEMPTS) {
                        waiting.remove(id);
                        gaveUp = !removed;
                    } else {
                        waiting.remove(id);
                        waiting.put(id, new Waiting(due.getValue().since(), due.getValue().failures() + 1));
                    }
                }
                if (gaveUp) {
                    giveUp.accept(id);
                }
                if (!removed) {
                    return;
                }
            }
        }
    }

    private synchronized Map.Entry<String, Waiting> nextDue() {
        var oldest = waiting.entrySet().stream().findFirst().orElse(null);
        if (oldest == null) {
            return null;
        }
        boolean due = runsUnderWay.getAsInt() == 0 || oldest.getValue().failures() > 0
                || Duration.between(oldest.getValue().since(), clock.instant()).compareTo(MAX_WAIT) >= 0;
        return due ? Map.entry(oldest.getKey(), oldest.getValue()) : null;
    }

    private void tickSoon() {
        if (!ticking && !closed) {
            ticking = true;
            reaper.schedule(this::tickAndReschedule, TICK.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void tickAndReschedule() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.warnf("removing used run containers: %s", e.toString());
        } finally {
            synchronized (this) {
                ticking = false;
                if (!waiting.isEmpty()) {
                    tickSoon();
                }
            }
        }
    }

    private boolean tryRemove(String id) {
        try {
            remove.accept(id);
            return true;
        } catch (RuntimeException e) {
            // Said by the removal itself.
            LOG.debugf("used container %s not removed: %s", id, e.getMessage());
            return false;
        }
    }

    /** Removes every container still waiting, {@value #CLOSING_PARALLELISM} at a time; what fails is left to the next start. */
    @Override
    public void close() {
        List<String> ids;
        synchronized (this) {
            closed = true;
            ids = List.copyOf(waiting.keySet());
            waiting.clear();
        }
        reaper.shutdown();
        removeAll(ids, this::tryRemove, "used run containers");
    }

    /**
     * Removes containers at shutdown, {@value #CLOSING_PARALLELISM} at a time, for at most 20 s: one by one, a
     * few hundred would outlast a stop's grace period (10 s for {@code docker stop}) and be killed halfway.
     */
    static void removeAll(List<String> ids, Consumer<String> remove, String what) {
        if (ids.isEmpty()) {
            return;
        }
        ExecutorService closing = Executors.newFixedThreadPool(Math.min(CLOSING_PARALLELISM, ids.size()));
        ids.forEach(id -> closing.execute(() -> remove.accept(id)));
        closing.shutdown();
        try {
            if (!closing.awaitTermination(20, TimeUnit.SECONDS)) {
                LOG.warnf("%d %s not removed at shutdown: the next start removes them", closing.shutdownNow().size(), what);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closing.shutdownNow();
        }
    }
}
