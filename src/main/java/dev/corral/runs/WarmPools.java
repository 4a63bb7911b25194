package dev.corral.runs;

import dev.corral.spec.ObjectKey;
import dev.corral.spec.model.PoolBounds;

import java.time.Clock;
import java.time.Duration;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which warm containers are idle and which run each claimed one serves. Only containers this
 * process created and started are ever handed out: one found idle after a restart may have been
 * half-given to a run when Corral stopped, so it is replaced instead. Claims are durable through
 * the run's status ({@code containerId}, {@code pooled}); {@link #recover} rebuilds them at start.
 */
public final class WarmPools {

    private record Warm(String id, String hash) {
    }

    private final Map<ObjectKey, Deque<Warm>> idle = new HashMap<>();
    private final Map<String, ObjectKey> claimed = new HashMap<>();
    private final Set<String> fed = new HashSet<>();
    private final Map<ObjectKey, Integer> kept = new java.util.concurrent.ConcurrentHashMap<>();
    private final PoolDemand demand;

    /** Pools that fall back to their size after five quiet minutes, by the system clock. */
    public WarmPools() {
        this(Clock.systemUTC(), DEFAULT_SHRINK_AFTER);
    }

    /** @param shrinkAfter how long a grown pool stays grown after the last run that looked for one of its containers */
    public WarmPools(Clock clock, Duration shrinkAfter) {
        this.demand = new PoolDemand(clock, shrinkAfter);
    }

    /** {@code corral.runs.pool-shrink-after}'s default: Kubernetes' HPA waits as long before scaling down. */
    public static final Duration DEFAULT_SHRINK_AFTER = Duration.ofMinutes(5);

    /** A container name for a new warm container of this pool. */
    public static String containerName(ObjectKey pool) {
        String suffix = java.util.HexFormat.of().toHexDigits(java.util.concurrent.ThreadLocalRandom.current().nextInt());
        String owner = Runner.ofPoolKey(pool).map(r -> "runner-" + r.language()).orElse(pool.name());
        return "corral-pool-" + owner + "-" + suffix;
    }

    /**
     * Takes an idle container of {@code pool} built from {@code hash} for {@code run}. Found or not, the
     * pool's demand counts it: a miss grows the pool (up to its max) for the runs that follow.
     *
     * @param running whether the engine (as last seen) has the container running
     */
    public synchronized Optional<String> claim(ObjectKey pool, String hash, ObjectKey run, Predicate<String> running) {
        Deque<Warm> q = idle.get(pool);
        while (q != null && !q.isEmpty()) {
            Warm w = q.pollFirst();
            if (w.hash().equals(hash) && running.test(w.id())) {
                claimed.put(w.id(), run);
                demand.looked(pool, false);
                return Optional.of(w.id());
            }
            // Stale or dead: the pool's next reconcile removes it (it is neither idle nor claimed).
        }
        demand.looked(pool, true);
        return Optional.empty();
    }

    /** A run looked for a warm container of {@code pool} elsewhere and found none: the pool grows as for a miss. */
    public void missed(ObjectKey pool) {
        demand.looked(pool, true);
    }

    /** A claim read back from a run's status after a restart; whether it was fed is not known yet. */
    public synchronized void recover(String id, ObjectKey run) {
        claimed.put(id, run);
    }

    public synchronized void addIdle(ObjectKey pool, String id, String hash) {
        idle.computeIfAbsent(pool, k -> new ArrayDeque<>()).addLast(new Warm(id, hash));
    }

    /** What a pool's container is to this process. */
    public enum Standing { CLAIMED, IDLE, OTHER }

    /** Whether a container is claimed, idle in {@code pool} and built from {@code hash}, or neither; in one step. */
    public synchronized Standing standing(ObjectKey pool, String id, String hash) {
        if (claimed.containsKey(id)) {
            return Standing.CLAIMED;
        }
        Deque<Warm> q = idle.get(pool);
        return q != null && q.stream().anyMatch(w -> w.id().equals(id) && w.hash().equals(hash))
                ? Standing.IDLE : Standing.OTHER;
    }

    /**
     * Takes a container out of the pool for removal, unless a run has claimed it meanwhile.
     *
     * @return whether it may be removed
     */
    public synchronized boolean retire(String id) {
        if (claimed.containsKey(id)) {
            return false;
        }
        fed.remove(id);
        idle.values().forEach(q -> q.removeIf(w -> w.id().equals(id)));
        return true;
    }

    /** How many warm containers {@code pool} is kept at now: its size, plus recent demand, up to its max. */
    public int target(ObjectKey pool, PoolBounds bounds) {
        return bounds.target(demand.extra(pool));
    }

    /** What its reconciler kept {@code pool} at in its last pass (0: none here, as a node its placement excludes). */
    public int keptAt(ObjectKey pool) {
        return kept.getOrDefault(pool, 0);
    }

    /** How many warm containers all pools are kept at now. */
    public int keptTotal() {
        return kept.values().stream().mapToInt(Integer::intValue).sum();
    }

    void keptAt(ObjectKey pool, int target) {
        kept.put(pool, target);
    }

    /**
     * Whether a pool short of its target should wait before it is refilled: while its idle containers still
     * cover a second of runs at the rate they are being taken (a burst), making new ones would take the
     * engine from the runs. A pool that would run dry within the second is refilled at once.
     */
    public boolean refillCanWait(ObjectKey pool) {
        int rate = demand.takenLately(pool);
        return rate > 0 && idleCount(pool) > rate;
    }

    /** When a grown pool falls back to its size (nothing when it is at its size). */
    public Optional<Duration> shrinksIn(ObjectKey pool) {
        return demand.shrinksIn(pool);
    }

    /** A pool that is gone: its demand too. */
    public void forgetPool(ObjectKey pool) {
        demand.forget(pool);
        kept.remove(pool);
    }

    public synchronized int idleCount(ObjectKey pool) {
        Deque<Warm> q = idle.get(pool);
        return q == null ? 0 : q.size();
    }

    /** The run a claimed container serves, or null. */
    public synchronized ObjectKey claimant(String id) {
        return claimed.get(id);
    }

    /** The runs holding one of its containers. */
    public synchronized Set<ObjectKey> claimants() {
        return Set.copyOf(claimed.values());
    }

    public synchronized List<String> claimedBy(ObjectKey run) {
        List<String> ids = new ArrayList<>();
        claimed.forEach((id, r) -> {
            if (r.equals(run)) {
                ids.add(id);
            }
        });
        return ids;
    }

    public synchronized void markFed(String id) {
        fed.add(id);
    }

    public synchronized boolean fed(String id) {
        return fed.contains(id);
    }

    /** Empties every pool: the idle containers' ids, which no run can claim any more. */
    public synchronized List<String> drainIdle() {
        List<String> ids = new ArrayList<>();
        idle.values().forEach(q -> q.forEach(w -> ids.add(w.id())));
        idle.clear();
        return ids;
    }

    /** Forgets a container: removed, or found dead. */
    public synchronized void forget(String id) {
        claimed.remove(id);
        fed.remove(id);
        idle.values().forEach(q -> q.removeIf(w -> w.id().equals(id)));
    }
}
