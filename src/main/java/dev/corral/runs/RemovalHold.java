package dev.corral.runs;

import dev.corral.spec.ObjectKey;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * When a finished run's container is removed: at once when no other run is in flight, else once none is,
 * or at the latest {@code corral.runs.removal-delay-max} after the run finished. A removal costs the engine
 * ~45 ms of its time; during a burst of runs from a warm pool that was a fifth of the engine's and the
 * machine's CPU, taken from the runs themselves (bench/results/runs.md). An exited container holds only its
 * disk (its layer, its workspace volume) meanwhile, and a warm one its launcher, waiting ({@link Launcher}).
 * At most as many as the run slots or the warm pools' targets, whichever is more, wait at once: under a
 * steady stream of runs that never leaves the engine idle, the rest go at once. The run's record and its
 * answer never wait for the removal; after a crash, the next start's resync removes what was held.
 */
final class RemovalHold {

    private final Duration max;
    private final BooleanSupplier busy;
    private final IntSupplier most;
    private final Set<ObjectKey> held = new LinkedHashSet<>();

    /**
     * @param max  the longest a removal waits after its run finished (zero or less: never held)
     * @param busy whether runs are in flight; asked under this hold's lock, so that a release cannot miss a hold
     * @param most how many runs' removals may wait at once (their containers are kept meanwhile); past it, at once
     */
    RemovalHold(Duration max, BooleanSupplier busy, IntSupplier most) {
        this.max = max;
        this.busy = busy;
        this.most = most;
    }

    /**
     * Whether the removal of {@code key}'s containers waits; if so, the key is kept to be woken by {@link #release}.
     *
     * @param finished when the run finished (null: it did not)
     * @return how long at most it waits, or null to remove now
     */
    synchronized Duration hold(ObjectKey key, Instant finished, Instant now) {
        if (finished == null || max.isZero() || max.isNegative() || !busy.getAsBoolean()
                || !held.contains(key) && held.size() >= most.getAsInt()) {
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

    /** The runs whose removal waited, once no run is in flight (none otherwise); none held after. */
    synchronized List<ObjectKey> release() {
        if (busy.getAsBoolean()) {
            return List.of();
        }
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
