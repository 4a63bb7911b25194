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
        boolean seeded;
    }

    /** Seeds the restart count from stored status (after Corral itself restarted). */
    public void seed(ObjectKey key, long restarts) {
        Entry e = entries.computeIfAbsent(key, k -> new Entry());
        synchronized (e) {
            if (!e.seeded) {
                e.seeded = true;
                e.restarts = Math.max(e.restarts, restarts);
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
            return ++e.restarts;
        }
    }

    public long restarts(ObjectKey key) {
        Entry e = entries.get(key);
        return e == null ? 0 : e.restarts;
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
