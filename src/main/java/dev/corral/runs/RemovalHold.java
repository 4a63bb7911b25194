package dev.corral.runs;

import dev.corral.spec.ObjectKey;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * When a finished run's container is removed: at once when no other run is in flight, else once none is,
 * or at the latest {@code corral.runs.removal-delay-max} after the run finished. A removal costs the engine
 * ~45 ms of its time; during a burst of runs from a warm pool that was a fifth of the engine's and the
 * machine's CPU, taken from the runs themselves (bench/results/runs.md). An exited container holds only its
 * disk (its layer, its workspace volume) meanwhile. The run's record and its answer never wait for the
 * removal; after a crash, the next start's resync removes what was held.
 */
final class RemovalHold {

    private final Duration max;
    private final Set<ObjectKey> held = new LinkedHashSet<>();

    /** @param max the longest a removal waits after its run finished (zero or less: never held) */
    RemovalHold(Duration max) {
        this.max = max;
    }

    /**
     * Whether the removal of {@code key}'s containers waits; if so, the key is kept to be woken by {@link #release}.
     *
     * @param finished when the run finished (null: it did not)
     * @param busy     whether other runs are in flight
     * @return how long at most it waits, or null to remove now
     */
    synchronized Duration hold(ObjectKey key, Instant finished, Instant now, boolean busy) {
        if (!busy || finished == null || max.isZero() || max.isNegative()) {
            held.remove(key);
            return null;
        }
        Duration left = Duration.between(now, finished.plus(max));
        if (left.isZero() || left.isNegative()) {
            held.remove(key);
            return null;
        }
        held.add(key);
        return left;
    }

    /** The runs whose removal waited, to be looked at now that no run is in flight; none held after. */
    synchronized List<ObjectKey> release() {
        List<ObjectKey> all = new ArrayList<>(held);
        held.clear();
        return all;
    }

    /** A run that is gone: nothing of it to wake. */
    synchronized void forget(ObjectKey key) {
        held.remove(key);
    }

    synchronized int size() {
        return held.size();
    }
}
