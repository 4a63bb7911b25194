package dev.corral.runs;

import dev.corral.spec.ObjectKey;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What runs asked of each warm pool lately: a pool grows by one container for each run that found
 * it empty, and shrinks back to its size once no run has looked for one of its containers for
 * {@code shrinkAfter} (scale up at once, scale down after a quiet window, as Kubernetes' HPA does).
 * Counting misses rather than a rate: a burst of N runs against an empty pool asks for N.
 */
final class PoolDemand {

    private record Use(int extra, Instant last) {
    }

    /** No pool grows further than this whatever its bounds say (they are capped far below it). */
    private static final int MAX_EXTRA = 1 << 16;

    private final Map<ObjectKey, Use> uses = new HashMap<>();
    /** When each pool's containers were taken within the last {@link #RATE_WINDOW}, oldest first. */
    private final Map<ObjectKey, java.util.ArrayDeque<Instant>> taken = new HashMap<>();

    /** The window over which the rate a pool is taken at is counted. */
    static final Duration RATE_WINDOW = Duration.ofSeconds(1);
    private final Clock clock;
    private final Duration shrinkAfter;

    PoolDemand(Clock clock, Duration shrinkAfter) {
        this.clock = clock;
        this.shrinkAfter = shrinkAfter;
    }

    /** A run looked for a warm container of {@code pool}, and found one or ({@code missed}) not. */
    synchronized void looked(ObjectKey pool, boolean missed) {
        Instant now = clock.instant();
        int extra = current(pool, now);
        uses.put(pool, new Use(missed ? Math.min(MAX_EXTRA, extra + 1) : extra, now));
        if (!missed) {
            java.util.ArrayDeque<Instant> q = taken.computeIfAbsent(pool, k -> new java.util.ArrayDeque<>());
            q.addLast(now);
            prune(q, now);
        }
    }

    /** How many of the pool's containers runs took in the last {@link #RATE_WINDOW}. */
    synchronized int takenLately(ObjectKey pool) {
        java.util.ArrayDeque<Instant> q = taken.get(pool);
        if (q == null) {
            return 0;
        }
        prune(q, clock.instant());
        if (q.isEmpty()) {
            taken.remove(pool);
            return 0;
        }
        return q.size();
    }

    private static void prune(java.util.ArrayDeque<Instant> q, Instant now) {
        Instant from = now.minus(RATE_WINDOW);
        while (!q.isEmpty() && !q.peekFirst().isAfter(from)) {
            q.pollFirst();
        }
    }

    /** Containers wanted beyond the pool's size right now. */
    synchronized int extra(ObjectKey pool) {
        return current(pool, clock.instant());
    }

    /** When the pool falls back to its size, if it is above it. */
    synchronized Optional<Duration> shrinksIn(ObjectKey pool) {
        Instant now = clock.instant();
        if (current(pool, now) == 0) {
            return Optional.empty();
        }
        return Optional.of(Duration.between(now, uses.get(pool).last().plus(shrinkAfter)));
    }

    synchronized void forget(ObjectKey pool) {
        uses.remove(pool);
        taken.remove(pool);
    }

    private int current(ObjectKey pool, Instant now) {
        Use u = uses.get(pool);
        if (u == null) {
            return 0;
        }
        if (!now.isBefore(u.last().plus(shrinkAfter))) {
            uses.remove(pool);
            return 0;
        }
        return u.extra();
    }
}
