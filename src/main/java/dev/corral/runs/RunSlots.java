package dev.corral.runs;

import dev.corral.spec.ObjectKey;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Bounds how many runs execute at once ({@code corral.runs.max-concurrent}). A run holds its
 * slot from container creation until its result is collected. Runs found already running
 * after a restart take a slot even beyond the bound: they are not stopped to make room.
 */
public final class RunSlots {

    private final int max;
    private final Set<ObjectKey> held = new LinkedHashSet<>();

    public RunSlots(int max) {
        this.max = max;
    }

    public synchronized boolean tryAcquire(ObjectKey key) {
        if (held.contains(key)) {
            return true;
        }
        if (held.size() >= max) {
            return false;
        }
        held.add(key);
        return true;
    }

    /** A run found running (adopted after a restart) holds a slot whatever the bound. */
    public synchronized void occupy(ObjectKey key) {
        held.add(key);
    }

    /** @return true if the key held a slot */
    public synchronized boolean release(ObjectKey key) {
        return held.remove(key);
    }

    public synchronized int inUse() {
        return held.size();
    }

    public int max() {
        return max;
    }
}
