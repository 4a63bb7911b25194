package dev.corral.runs;

import dev.corral.runtime.ContainerRequest;
import dev.corral.runtime.ContainerRuntime;
import dev.corral.runtime.Labels;
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
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Workspaces made ahead for cold Tool runs. A Tool's image seldom has a {@code /workspace} its run's user may
 * write, so a cold run's workspace skeleton, owned by that user, had to be uploaded between the container's
 * create and its start: an archive call of ~47 ms on the run's path (the engine re-executes itself to unpack
 * it). Here that happens before the run asks: a <em>holder</em>, a container created from the run's own image
 * and never started, gets an anonymous volume at {@code /workspace} (holding what the image has there, as the
 * run's own volume would) and the skeleton in it. A cold run is created with the holder's volume
 * ({@code VolumesFrom}), its inputs written by its launcher; the holder is removed once the run has started.
 * The engine keeps a volume another container mounts, and removes it with the run's container ({@code -v}),
 * as it removes a run's own anonymous volume.
 * <p>
 * Up to {@code size} holders per image and user, made one at a time on a thread of their own. The stock is topped
 * up (and a taken holder removed) when the run that looked for a holder has ended, or at the latest
 * {@link #SETTLE_LIMIT} after it looked: that engine work, ~110 ms of it, then does not compete with the run's own
 * short life for the engine. The first cold run of an image uploads its workspace as before. The stock of an image
 * no run took from for {@code idleAfter} is removed, and all of them when Corral stops. A holder is not a managed container (the loop never sees it):
 * a process that stopped without removing its own leaves strays, removed when the engine's event stream
 * connects ({@link #sweepStrays}).
 */
public final class WorkspaceStock {

    private static final Logger LOG = Logger.getLogger(WorkspaceStock.class);

    /** The stocks kept at once; the one taken from longest ago goes to make room. */
    static final int MAX_IMAGES = 8;

    /** A holder's command: never run, but an image without a CMD needs one for the create. */
    static final String HOLDER_COMMAND = "corral-workspace-holder";

    /** When a run that looked for a holder has not ended by then, its look is settled anyway. */
    static final Duration SETTLE_LIMIT = Duration.ofSeconds(2);

    private record Key(String imageId, int uid) {
    }

    /** A run's look at a stock, and the holder it took (null: none was ready). */
    private record Look(Key key, String holder) {
    }

    private final ContainerRuntime runtime;
    private final int size;
    private final Duration idleAfter;
    private final Clock clock;
    private final ScheduledExecutorService worker;

    private final Map<Key, Deque<String>> ready = new HashMap<>();
    private final Map<Key, Instant> lastTaken = new HashMap<>();
    private final Map<dev.corral.spec.ObjectKey, Look> looks = new HashMap<>();
    /** Stocks with a look at whether they went idle pending. */
    private final Set<Key> watched = new HashSet<>();
    /** Taken by a run, not removed yet: a sweep leaves them alone. */
    private final Set<String> taken = new HashSet<>();
    private boolean stopped;

    /**
     * @param size      holders kept per image and user (0: none, every cold Tool run uploads its workspace)
     * @param idleAfter how long a stock no run takes from is kept
     */
    public WorkspaceStock(ContainerRuntime runtime, int size, Duration idleAfter, Clock clock) {
        this.runtime = runtime;
        this.size = size;
        this.idleAfter = idleAfter;
        this.clock = clock;
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "corral-workspace-stock");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * A holder whose workspace is ready for {@code run}, of {@code imageId} as user {@code uid}, or empty. Either way,
     * when the run has ended ({@link #ended}) the holder, if any, is removed (its volume stays with the run's
     * container) and the stock topped up.
     */
    public Optional<String> take(String imageId, int uid, dev.corral.spec.ObjectKey run) {
        if (size <= 0 || imageId == null) {
            return Optional.empty();
        }
        Key key = new Key(imageId, uid);
        String holder;
        boolean watch;
        synchronized (this) {
            if (stopped) {
                return Optional.empty();
            }
            Deque<String> d = ready.get(key);
            holder = d == null ? null : d.pollFirst();
            if (holder != null) {
                taken.add(holder);
            }
            Look earlier = looks.put(run, new Look(key, holder));
            if (earlier != null && earlier.holder() != null) {
                // Looked twice (its first create failed, or a retry): the first holder is done with too.
                release(earlier.holder());
            }
            lastTaken.put(key, clock.instant());
            // One look per stock at whether it went idle, which looks again while runs keep taking from it.
            watch = watched.add(key);
        }
        if (watch) {
            submit(() -> shrinkIfIdle(key), idleAfter.plusMillis(10));
        }
        submit(() -> settle(run), SETTLE_LIMIT);
        return Optional.ofNullable(holder);
    }

    /** The run has ended (or is gone): what its look at the stock asked for is done now. */
    public void ended(dev.corral.spec.ObjectKey run) {
        synchronized (this) {
            if (!looks.containsKey(run)) {
                return;
            }
        }
        submit(() -> settle(run), Duration.ZERO);
    }

    private void settle(dev.corral.spec.ObjectKey run) {
        Look look;
        synchronized (this) {
            look = looks.remove(run);
        }
        if (look == null) {
            return;
        }
        if (look.holder() != null) {
            remove(look.holder());
            synchronized (this) {
                taken.remove(look.holder());
            }
        }
        refill(look.key());
    }

    private void release(String holder) {
        submit(() -> {
            remove(holder);
            synchronized (this) {
                taken.remove(holder);
            }
        }, Duration.ZERO);
    }

    /** Holders ready in all stocks. */
    public synchronized int readyCount() {
        return ready.values().stream().mapToInt(Deque::size).sum();
    }

    /** What the stocks are kept at: {@code size} for each image with a stock. */
    public synchronized int target() {
        return size * lastTaken.size();
    }

    /** Removes holders no stock of this process knows (a previous process's); on the stock's thread. */
    public void sweepStrays() {
        submit(this::removeStrays, Duration.ZERO);
    }

    /** Holders ready, per image, for tests and the curious. */
    synchronized Map<String, Integer> readyCounts() {
        Map<String, Integer> counts = new HashMap<>();
        ready.forEach((k, d) -> counts.merge(k.imageId(), d.size(), Integer::sum));
        return counts;
    }

    /** At stop: no more holders are made, and every one this process has is removed. */
    public void stop() {
        List<String> all = new ArrayList<>();
        synchronized (this) {
            stopped = true;
            ready.values().forEach(all::addAll);
            ready.clear();
            all.addAll(taken);
            taken.clear();
        }
        worker.shutdownNow();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // A holder whose run was created keeps its volume for the run: the engine refuses to remove a mounted one.
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
                if (stopped || d != null && d.size() >= size || idle(key)) {
                    return;
                }
            }
            String holder = prepare(key);
            boolean kept;
            synchronized (this) {
                kept = !stopped;
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

    /** Past {@link #MAX_IMAGES}, the stock taken from longest ago is removed. */
    private void makeRoomFor(Key key) {
        Key oldest = null;
        synchronized (this) {
            if (ready.containsKey(key) || ready.size() < MAX_IMAGES) {
                return;
            }
            for (Key k : ready.keySet()) {
                if (oldest == null || lastTaken.getOrDefault(k, Instant.MIN).isBefore(lastTaken.getOrDefault(oldest, Instant.MIN))) {
                    oldest = k;
                }
            }
        }
        drop(oldest);
    }

    private void shrinkIfIdle(Key key) {
        Duration left;
        synchronized (this) {
            Instant last = lastTaken.get(key);
            left = last == null ? Duration.ZERO : Duration.between(clock.instant(), last.plus(idleAfter));
            if ((left.isZero() || left.isNegative())) {
                watched.remove(key);
            }
        }
        if (!left.isZero() && !left.isNegative()) {
            submit(() -> shrinkIfIdle(key), left.plusMillis(10));
        } else {
            drop(key);
        }
    }

    /** Whether no run took from this stock for {@code idleAfter} (a stock never taken from is not idle: it is new). */
    private boolean idle(Key key) {
        Instant last = lastTaken.get(key);
        return last != null && !last.plus(idleAfter).isAfter(clock.instant());
    }

    private void drop(Key key) {
        Deque<String> d;
        synchronized (this) {
            d = ready.remove(key);
            lastTaken.remove(key);
        }
        if (d != null) {
            d.forEach(this::remove);
            LOG.debugf("workspace stock of %s removed (%d holders)", key.imageId(), d.size());
        }
    }

    private void removeStrays() {
        Set<String> ours = new HashSet<>();
        synchronized (this) {
            ready.values().forEach(ours::addAll);
            ours.addAll(taken);
        }
        int removed = 0;
        for (String id : runtime.listLabelled(Labels.WORKSPACE_HOLDER, "true")) {
            if (!ours.contains(id)) {
                remove(id);
                removed++;
            }
        }
        if (removed > 0) {
            LOG.infof("removed %d prepared workspaces left by an earlier Corral", removed);
        }
    }

    private void remove(String holder) {
        try {
            runtime.removeContainer(holder);
        } catch (RuntimeException e) {
            // Found again by the next sweep (when the engine's event stream connects).
            LOG.debugf("workspace holder %s not removed: %s", holder, e.getMessage());
        }
    }
}
