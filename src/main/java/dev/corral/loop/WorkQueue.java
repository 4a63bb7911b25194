package dev.corral.loop;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A work queue of keys, like client-go's: a key waits in the queue at most once (bursts merge),
 * is handed to one worker at a time (a key added while being processed is queued again when the
 * worker is done), and failures come back after a per-key exponential backoff that success resets.
 * A key waits for at most one delayed add, the earliest asked for (client-go's delaying queue): every
 * resync reconciles every object, and each reconcile of a finished run asks to be woken when its TTL
 * ends; kept, each of those asks was a timer of its own, and 1 000 runs kept for their hour held
 * 120 000 timers by its end.
 */
public final class WorkQueue<K> {

    private final Backoff backoff;
    private final LinkedHashSet<K> queue = new LinkedHashSet<>();
    /** Keys taken before {@link #queue}'s: something that ran broke (a container died), see {@link #addUrgent}. */
    private final LinkedHashSet<K> urgent = new LinkedHashSet<>();
    private final Set<K> processing = new HashSet<>();
    private final Set<K> dirtyWhileProcessing = new HashSet<>();
    private final Map<K, Integer> failures = new HashMap<>();
    /** Keys with an engine event during a retry of theirs: queued again if the retry succeeds. */
    private final Set<K> parked = new HashSet<>();
    /** The one delayed add each key waits for, if any. */
    private final Map<K, Wake> wakes = new HashMap<>();
    private final ScheduledThreadPoolExecutor timers;
    private boolean shutdown;

    public WorkQueue(Duration retryBase, Duration retryMax) {
        this.backoff = new Backoff(retryBase, retryMax);
        this.timers = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "corral-queue-timer");
            t.setDaemon(true);
            return t;
        });
        // A wake replaced by an earlier one leaves the timer queue at once, not when it would have fired.
        timers.setRemoveOnCancelPolicy(true);
    }

    /** A delayed add: when it is due, and its timer (set once scheduled, under the queue's monitor). */
    private static final class Wake {
        final long dueNanos;
        ScheduledFuture<?> timer;

        Wake(long dueNanos) {
            this.dueNanos = dueNanos;
        }
    }

    /** Queues a key now (a no-op if it already waits). */
    public synchronized void add(K key) {
        if (shutdown) {
            return;
        }
        if (processing.contains(key)) {
            dirtyWhileProcessing.add(key);
            return;
        }
        if (!urgent.contains(key) && queue.add(key)) {
            notifyAll();
        }
    }

    /**
     * Queues a key ahead of the others, unless it is waiting out a failure's backoff (as
     * {@link #addUnlessBackingOff}): a relic that just died is restarted before the rest of a converge
     * of hundreds is worked through (a new leader's, or a start-up's), not after it.
     */
    public synchronized void addUrgent(K key) {
        if (shutdown || failures.containsKey(key) || processing.contains(key)) {
            addUnlessBackingOff(key);
            return;
        }
        queue.remove(key);
        if (urgent.add(key)) {
            notifyAll();
        }
    }

    /**
     * Queues a key now unless it is waiting out a failure's backoff (its retry is scheduled already).
     * For engine events: a failed action of the key's own (a start that fails emits {@code die}) must
     * not bring it straight back and turn the backoff into a hot loop.
     */
    public synchronized void addUnlessBackingOff(K key) {
        if (!failures.containsKey(key)) {
            add(key);
        } else if (processing.contains(key)) {
            // Its retry is running: if it succeeds, what happened meanwhile must be looked at (forget re-adds);
            // if it fails, the next retry's backoff stands (addRateLimited drops this).
            parked.add(key);
        }
    }

    /**
     * Queues a key after a delay, unless it already waits for an earlier (or as early) delayed add; a
     * later one it waited for is replaced. What the key's reconcile then says sets its next wake.
     */
    public void addAfter(K key, Duration delay) {
        if (delay.isZero() || delay.isNegative()) {
            add(key);
            return;
        }
        synchronized (this) {
            if (shutdown) {
                return;
            }
            long due = System.nanoTime() + delay.toNanos();
            Wake waiting = wakes.get(key);
            if (waiting != null && !waiting.timer.isDone() && waiting.dueNanos - due <= 0) {
                return;
            }
            Wake wake = new Wake(due);
            try {
                // It cannot run before the put below: wake() takes this monitor.
                wake.timer = timers.schedule(() -> wake(key, wake), delay.toNanos(), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                return; // shut down meanwhile: nothing will take the key anyway
            }
            wakes.put(key, wake);
            if (waiting != null) {
                waiting.timer.cancel(false);
            }
        }
    }

    private synchronized void wake(K key, Wake wake) {
        wakes.remove(key, wake);
        add(key);
    }

    /** Timers waiting to add a key: one per key at most. */
    synchronized int waitingWakes() {
        return timers.getQueue().size();
    }

    /** Keys waiting for a delayed add. */
    synchronized int keysWaitingToWake() {
        return wakes.size();
    }

    /** Queues a key after its backoff: base × 2^(failures so far), capped. */
    public Duration addRateLimited(K key) {
        int n;
        synchronized (this) {
            n = failures.merge(key, 1, Integer::sum);
            parked.remove(key);
        }
        Duration d = backoff(n);
        addAfter(key, d);
        return d;
    }

    Duration backoff(int failureCount) {
        return backoff.delay(failureCount);
    }

    /** Forgets a key's failures: the next failure starts from the base delay again. */
    public synchronized void forget(K key) {
        failures.remove(key);
        if (parked.remove(key)) {
            add(key);
        }
    }

    public synchronized int failures(K key) {
        return failures.getOrDefault(key, 0);
    }

    /** Blocks until a key is available (and marks it as processing), or returns null after shutdown. */
    public synchronized K take() throws InterruptedException {
        while (queue.isEmpty() && urgent.isEmpty() && !shutdown) {
            wait();
        }
        if (shutdown) {
            return null;
        }
        var it = urgent.isEmpty() ? queue.iterator() : urgent.iterator();
        K key = it.next();
        it.remove();
        processing.add(key);
        return key;
    }

    /** The worker is finished with the key; if it was added meanwhile, it goes back in the queue. */
    public synchronized void done(K key) {
        processing.remove(key);
        if (dirtyWhileProcessing.remove(key) && !shutdown) {
            queue.add(key);
            notifyAll();
        }
    }

    public synchronized int depth() {
        return queue.size() + urgent.size();
    }

    public synchronized void shutdown() {
        shutdown = true;
        queue.clear();
        urgent.clear();
        wakes.clear();
        notifyAll();
        timers.shutdownNow();
    }
}
