package dev.corral.runs;

import dev.corral.runtime.ContainerRequest;
import dev.corral.runtime.ContainerRuntime;
import dev.corral.runtime.Labels;
import dev.corral.spec.ObjectKey;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Workspaces made ahead for cold Tool runs. A Tool's image seldom has a {@code /workspace} its run's user may
 * write, so a cold run's workspace skeleton, owned by that user, had to be uploaded between the container's
 * create and its start: an archive call of ~47 ms on the run's path (the engine re-executes itself to unpack
 * it). Here that happens before the run asks: a <em>holder</em>, a container created from the run's own image
 * and never started, gets an anonymous volume at {@code /workspace} (holding what the image has there, as the
 * run's own volume would) and the skeleton in it. A cold run is created with the holder's volume
 * ({@code VolumesFrom}), its inputs written by its launcher. The holder is removed later: the engine keeps a
 * volume another container mounts, and removes it with the run's container ({@code -v}), as it removes a run's
 * own anonymous volume.
 * <p>
 * Up to {@code size} holders per image and user, for at most {@link #MAX_IMAGES} images, made one at a time on a
 * thread of their own. A taken holder is removed, and the stock topped up, when the run that looked has ended, or
 * at the latest {@link #SETTLE_LIMIT} after its container was created: that engine work (~110 ms of it) then does
 * not share the engine with the run's own short life. The first cold run of an image uploads its workspace as
 * before. The stock of an image no run took from for {@code idleAfter} is removed at the tidy-up that follows
 * (every {@code idleAfter}), and every holder when Corral stops. A holder is not a managed container (the loop never lists it): those this process does not know (a
 * crashed Corral's, a removal that failed) are removed when the engine's event stream connects and, with a stock
 * size above 0, every {@code idleAfter} after ({@link #sweepStrays}). A holder the engine lost (a prune) is
 * noticed when a run's create names it: the run then uploads its workspace ({@link ColdStart}); the sweep drops
 * lost ones from the stock and makes them again.
 */
public final class WorkspaceStock {

    private static final Logger LOG = Logger.getLogger(WorkspaceStock.class);

    /** The stocks kept at once; the one taken from longest ago goes to make room. */
    static final int MAX_IMAGES = 8;

    /** A holder's command: never run, but an image without a CMD needs one for the create. */
    static final String HOLDER_COMMAND = "corral-workspace-holder";

    /** When a run whose container was created with a holder has not ended by then, its look is settled anyway. */
    static final Duration SETTLE_LIMIT = Duration.ofSeconds(2);

    private record Key(String imageId, int uid) {
    }

    /** A run's look at a stock, and the holder it took (null: none was ready). Compared by identity. */
    private static final class Look {
        final Key key;
        final String holder;

        Look(Key key, String holder) {
            this.key = key;
            this.holder = holder;
        }
    }

    private final ContainerRuntime runtime;
    private final int size;
    private final Duration idleAfter;
    private final Clock clock;
    private final ScheduledThreadPoolExecutor worker;

    private final Map<Key, Deque<String>> ready = new HashMap<>();
    private final Map<Key, Instant> lastTaken = new HashMap<>();
    private final Map<ObjectKey, Look> looks = new HashMap<>();
    /** Whether this process runs the loop (its first {@link #sweepStrays}): the tidy-up then sweeps strays too. */
    private boolean sweeping;
    private boolean stopped;

    /**
     * @param size      holders kept per image and user (0 or less: none, every cold Tool run uploads its workspace)
     * @param idleAfter how long a stock no run takes from is kept
     */
    public WorkspaceStock(ContainerRuntime runtime, int size, Duration idleAfter, Clock clock) {
        this.runtime = runtime;
        this.size = size;
        this.idleAfter = idleAfter;
        this.clock = clock;
        this.worker = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "corral-workspace-stock");
            t.setDaemon(true);
            return t;
        });
        // At stop, what is pending is dropped; the task under way (a holder being made) ends first.
        worker.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        worker.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        worker.setRemoveOnCancelPolicy(true);
        if (size > 0 && idleAfter.toMillis() > 0) {
            worker.scheduleWithFixedDelay(this::tidy, idleAfter.toMillis(), idleAfter.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * A holder whose workspace is ready for {@code run}, of {@code imageId} as user {@code uid}, or empty. Either way
     * the look is settled when the run has ended ({@link #ended}): the holder, if any, removed (its volume stays
     * with the run's container) and the stock topped up. Say {@link #created} once the run's container is created
     * with it, {@link #ended} if that failed.
     */
    public Optional<String> take(String imageId, int uid, ObjectKey run) {
        if (size <= 0 || imageId == null) {
            return Optional.empty();
        }
        Key key = new Key(imageId, uid);
        String holder;
        Look earlier;
        synchronized (this) {
            if (stopped) {
                return Optional.empty();
            }
            Deque<String> d = ready.get(key);
            holder = d == null ? null : d.pollFirst();
            earlier = looks.put(run, new Look(key, holder));
            lastTaken.put(key, clock.instant());
        }
        if (earlier != null) {
            // Looked again (its create was retried): the first look is done with.
            submit(() -> settle(earlier), Duration.ZERO);
        }
        return Optional.ofNullable(holder);
    }

    /** The run's container was created with the holder it took: its look is settled when it ends, or soon after. */
    public void created(ObjectKey run) {
        Look look;
        synchronized (this) {
            look = looks.get(run);
        }
        if (look != null) {
            submit(() -> settle(run, look), SETTLE_LIMIT);
        }
    }

    /** The run has ended, is gone, or could not be created: what its look at the stock asked for is done now. */
    public void ended(ObjectKey run) {
        Look look;
        synchronized (this) {
            look = looks.get(run);
        }
        if (look != null) {
            submit(() -> settle(run, look), Duration.ZERO);
        }
    }

    /** Settles {@code look} if it is still the run's (a later look of the same run is its own). */
    private void settle(ObjectKey run, Look look) {
        synchronized (this) {
            if (!looks.remove(run, look)) {
                return;
            }
        }
        settle(look);
    }

    private void settle(Look look) {
        if (look.holder != null) {
            remove(look.holder);
        }
        refill(look.key);
    }

    /**
     * Removes holders no stock of this process knows, now and at every tidy-up after; called when the engine's event
     * stream connects, so only on the Corral that runs the loop. Holders a stock lists but the engine no longer has
     * are dropped from it and made again.
     */
    public void sweepStrays() {
        synchronized (this) {
            sweeping = true;
        }
        submit(this::removeStrays, Duration.ZERO);
    }

    /** Holders ready in all stocks. */
    public synchronized int readyCount() {
        return ready.values().stream().mapToInt(Deque::size).sum();
    }

    /** What the stocks are kept at: {@code size} for each image with a stock. */
    public synchronized int target() {
        return Math.max(size, 0) * lastTaken.size();
    }

    /** Holders ready, per image, for tests. */
    synchronized Map<String, Integer> readyCounts() {
        Map<String, Integer> counts = new HashMap<>();
        ready.forEach((k, d) -> counts.merge(k.imageId(), d.size(), Integer::sum));
        return counts;
    }

    /** At stop: no more holders are made, and every one this process has is removed. */
    public void stop() {
        synchronized (this) {
            stopped = true;
        }
        worker.shutdown();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<String> all = new ArrayList<>();
        synchronized (this) {
            ready.values().forEach(all::addAll);
            ready.clear();
            looks.values().stream().filter(l -> l.holder != null).forEach(l -> all.add(l.holder));
            looks.clear();
        }
        // A holder whose run was created keeps its volume for the run: the engine removes no volume still mounted.
        all.forEach(this::remove);
    }

    private void submit(Runnable task, Duration delay) {
        try {
            worker.schedule(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.debugf("workspace stock: %s", e.getMessage());
                }
            }, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Stopped: what the task would have done, stop() did.
        }
    }

    private void refill(Key key) {
        makeRoomFor(key);
        while (true) {
            synchronized (this) {
                Deque<String> d = ready.get(key);
                // Only a stock runs take from: one dropped (idle, or to make room) stays dropped.
                if (stopped || !lastTaken.containsKey(key) || idle(key) || d != null && d.size() >= size) {
                    return;
                }
            }
            String holder = prepare(key);
            boolean kept;
            synchronized (this) {
                kept = !stopped && lastTaken.containsKey(key);
                if (kept) {
                    ready.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(holder);
                }
            }
            if (!kept) {
                remove(holder);
                return;
            }
        }
    }

    /** A holder of {@code key}'s image with the skeleton in its workspace; removed again if that fails. */
    private String prepare(Key key) {
        String name = "corral-workspace-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()).substring(4);
        ContainerRequest request = new ContainerRequest(name, key.imageId(), List.of(""), List.of(HOLDER_COMMAND), Map.of(),
                Map.of(Labels.WORKSPACE_HOLDER, "true"), 0, 0, 0, null, List.of(), List.of(),
                new ContainerRequest.Hardening(null, false, List.of(), false, false, false, "/workspace", null, false));
        String id = runtime.createContainer(request);
        try {
            runtime.copyIn(id, "/workspace", RunFiles.workspace(Map.of(), key.uid(), key.uid()));
        } catch (RuntimeException e) {
            remove(id);
            throw e;
        }
        return id;
    }

    /** Past {@link #MAX_IMAGES}, the stock taken from longest ago is removed (for a stock still kept, only). */
    private void makeRoomFor(Key key) {
        Key oldest = null;
        synchronized (this) {
            boolean kept = !stopped && lastTaken.containsKey(key) && !idle(key);
            if (!kept || ready.containsKey(key) || ready.size() < MAX_IMAGES) {
                return;
            }
            for (Key k : ready.keySet()) {
                if (oldest == null || lastTaken.getOrDefault(k, Instant.MIN).isBefore(lastTaken.getOrDefault(oldest, Instant.MIN))) {
                    oldest = k;
                }
            }
        }
        drop(oldest, k -> true);
    }

    /** Every {@code idleAfter}: stocks no run took from since are removed, and (see {@link #sweepStrays}) strays. */
    private void tidy() {
        List<Key> idle = new ArrayList<>();
        boolean strays;
        synchronized (this) {
            lastTaken.keySet().stream().filter(this::idle).forEach(idle::add);
            strays = sweeping;
        }
        try {
            idle.forEach(k -> drop(k, this::idle));
            if (strays) {
                removeStrays();
            }
        } catch (RuntimeException e) {
            LOG.debugf("workspace stock: %s", e.getMessage());
        }
    }

    /** Whether no run took from this stock for {@code idleAfter}. */
    private boolean idle(Key key) {
        Instant last = lastTaken.get(key);
        return last != null && !last.plus(idleAfter).isAfter(clock.instant());
    }

    /** Removes the stock of {@code key} if, under the lock, it is {@code still} to go (a run may just have taken). */
    private void drop(Key key, java.util.function.Predicate<Key> still) {
        Deque<String> d;
        synchronized (this) {
            if (!still.test(key)) {
                return;
            }
            d = ready.remove(key);
            lastTaken.remove(key);
        }
        if (d != null) {
            d.forEach(this::remove);
            LOG.debugf("workspace stock of %s removed (%d holders)", key.imageId(), d.size());
        }
    }

    private void removeStrays() {
        Set<String> listed = new HashSet<>(runtime.listLabelled(Labels.WORKSPACE_HOLDER, "true"));
        Set<String> ours = new HashSet<>();
        List<Key> depleted = new ArrayList<>();
        synchronized (this) {
            // Ready holders the engine lost (a prune) would only fail a run's create: dropped, and made again.
            ready.forEach((k, d) -> {
                if (d.removeIf(id -> !listed.contains(id))) {
                    depleted.add(k);
                }
            });
            ready.values().forEach(ours::addAll);
            // Taken by a run and not settled yet: its create may be under way.
            looks.values().stream().filter(l -> l.holder != null).forEach(l -> ours.add(l.holder));
        }
        depleted.forEach(this::refill);
        int removed = 0;
        for (String id : listed) {
            if (!ours.contains(id)) {
                remove(id);
                removed++;
            }
        }
        if (removed > 0) {
            LOG.infof("removed %d prepared workspaces no stock of this Corral knows (an earlier Corral's, or ones"
                    + " whose removal had failed)", removed);
        }
    }

    private void remove(String holder) {
        try {
            runtime.removeContainer(holder);
        } catch (RuntimeException e) {
            // Found again by the next sweep.
            LOG.debugf("workspace holder %s not removed: %s", holder, e.getMessage());
        }
    }
}
