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
    /** Runs refused a slot, oldest first: the next one is woken when a slot frees. */
    private final Set<ObjectKey> waiting = new LinkedHashSet<>();

    public RunSlots(int max) {
        this.max = max;
    }

    public synchronized boolean tryAcquire(ObjectKey key) {
        if (held.contains(key)) {
            return true;
        }
        if (held.size() >= max) {
            waiting.add(key);
            return false;
        }
        waiting.remove(key);
        held.add(key);
        return true;
    }

    /** A run found running (adopted after a restart) holds a slot whatever the bound. */
    public synchronized void occupy(ObjectKey key) {
        waiting.remove(key);
        held.add(key);
    }

    /**
     * Frees the key's slot (and forgets it as a waiter).
     *
     * @return the oldest run waiting for a slot, to be woken now that one is free, or null
     */
    public synchronized ObjectKey release(ObjectKey key) {
        waiting.remove(key);
        if (!held.remove(key) || waiting.isEmpty()) {
            return null;
        }
        return waiting.iterator().next();
    }

    public synchronized int inUse() {
        return held.size();
    }

    /** Whether any run holds a slot or waits for one. */
    public synchronized boolean busy() {
        return !held.isEmpty() || !waiting.isEmpty();
    }

    public int max() {
        return max;
    }
}
