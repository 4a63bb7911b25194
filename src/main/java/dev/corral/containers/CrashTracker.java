package dev.corral.containers;

import dev.corral.runtime.ContainerDetails;
import dev.corral.spec.ObjectKey;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers, per object, crashes in a row and total restarts, so each ended run is counted once
 * however many times it is looked at, and a container that ran long enough is forgiven its past.
 */
public final class CrashTracker {

    private final Duration resetAfter;
    private final Map<ObjectKey, Entry> entries = new ConcurrentHashMap<>();

    public CrashTracker(Duration resetAfter) {
        this.resetAfter = resetAfter;
    }

    private static final class Entry {
        String countedRun;
        int consecutive;
        long restarts;
        /** The spec generation {@link #generationRestarts} counts restarts of; -1: none yet. */
        long generation = -1;
        long generationRestarts;
        boolean seeded;
    }

    /** Seeds the restart count from stored status (after Corral itself restarted). */
    public void seed(ObjectKey key, long restarts) {
        seed(key, restarts, -1, 0);
    }

    /**
     * Seeds the restart counts from stored status: the total, and those since the spec's
     * {@code generation} (its {@code observedGeneration} and {@code restartsSinceSpec}).
     */
    public void seed(ObjectKey key, long restarts, long generation, long generationRestarts) {
        Entry e = entries.computeIfAbsent(key, k -> new Entry());
        synchronized (e) {
            if (!e.seeded) {
                e.seeded = true;
                e.restarts = Math.max(e.restarts, restarts);
                if (generation >= 0 && e.generation < 0) {
                    e.generation = generation;
                    e.generationRestarts = generationRestarts;
                }
            }
        }
    }

    /**
     * Counts the run that ended (identified by container id and start time) once, and returns the
     * crashes in a row including it.
     */
    public RestartState ended(ObjectKey key, ContainerDetails d) {
        Entry e = entries.computeIfAbsent(key, k -> new Entry());
        synchronized (e) {
            String run = d.id() + "@" + d.startedAt();
            if (!run.equals(e.countedRun)) {
                e.countedRun = run;
                boolean ranLong = d.startedAt() != null && d.finishedAt() != null
                        && Duration.between(d.startedAt(), d.finishedAt()).compareTo(resetAfter) >= 0;
                e.consecutive = ranLong ? 1 : e.consecutive + 1;
            }
            return new RestartState(e.consecutive);
        }
    }

    /** Whether this ended run (container id and start time) has been counted by {@link #ended} already. */
    public boolean counted(ObjectKey key, ContainerDetails d) {
        Entry e = entries.get(key);
        if (e == null) {
            return false;
        }
        synchronized (e) {
            return (d.id() + "@" + d.startedAt()).equals(e.countedRun);
        }
    }

    /** A restart was made: counted in {@code status.restarts}. */
    public long restarted(ObjectKey key) {
        Entry e = entries.computeIfAbsent(key, k -> new Entry());
        synchronized (e) {
            return restarted(key, e.generation);
        }
    }

    /** A restart of the spec's {@code generation} was made: counted in the total and in those of the generation. */
    public long restarted(ObjectKey key, long generation) {
        Entry e = entries.computeIfAbsent(key, k -> new Entry());
        synchronized (e) {
            if (e.generation != generation) {
                e.generation = generation;
                e.generationRestarts = 0;
            }
            e.generationRestarts++;
            return ++e.restarts;
        }
    }

    public long restarts(ObjectKey key) {
        Entry e = entries.get(key);
        return e == null ? 0 : e.restarts;
    }

    /** Restarts made since the spec reached {@code generation} (0 once it changed). */
    public long restartsSince(ObjectKey key, long generation) {
        Entry e = entries.get(key);
        if (e == null) {
            return 0;
        }
        synchronized (e) {
            return e.generation == generation ? e.generationRestarts : 0;
        }
    }

    /** A fresh container (re-created): crashes in a row start over. */
    public void recreated(ObjectKey key) {
        Entry e = entries.get(key);
        if (e != null) {
            synchronized (e) {
                e.consecutive = 0;
                e.countedRun = null;
            }
        }
    }

    public void forget(ObjectKey key) {
        entries.remove(key);
    }

    /** Forgets crash streaks of runs that have been up longer than the reset time (called when seen running). */
    public void running(ObjectKey key, Instant startedAt, Instant now) {
        Entry e = entries.get(key);
        if (e != null && startedAt != null && Duration.between(startedAt, now).compareTo(resetAfter) >= 0) {
            synchronized (e) {
                e.consecutive = 0;
            }
        }
    }
}
