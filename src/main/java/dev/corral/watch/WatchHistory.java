package dev.corral.watch;

import java.util.ArrayList;
import java.util.List;

/**
 * The last changes, in resourceVersion order, in a ring of fixed size. It holds every change
 * after {@link #floor()}: when the ring is full the oldest goes and the floor rises to it. Not
 * thread-safe: the {@link WatchHub} guards it.
 */
final class WatchHistory {

    private final WatchEvent[] ring;
    private int first;
    private int size;
    private long floor;

    /** @param floor the version the history starts after (the store's when Corral started) */
    WatchHistory(long floor, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("corral.watch.history must be at least 1, not " + capacity);
        }
        this.ring = new WatchEvent[capacity];
        this.floor = floor;
    }

    /** Every change after this version is held; a watch from an older one cannot be served. */
    long floor() {
        return floor;
    }

    /** The newest change held, or the floor when none is. */
    long newest() {
        return size == 0 ? floor : at(size - 1).resourceVersion();
    }

    int size() {
        return size;
    }

    /** Appends a change newer than every held one, dropping the oldest when full. */
    void add(WatchEvent e) {
        if (e.resourceVersion() <= newest()) {
            throw new IllegalArgumentException("change " + e.resourceVersion() + " is not after " + newest());
        }
        if (size == ring.length) {
            floor = ring[first].resourceVersion();
            ring[first] = null;
            first = (first + 1) % ring.length;
            size--;
        }
        ring[(first + size) % ring.length] = e;
        size++;
    }

    /** The changes after {@code version}, oldest first; the caller checks {@code version >= floor()}. */
    List<WatchEvent> after(long version) {
        int lo = 0;
        int hi = size;
        while (lo < hi) { // the first index whose version is greater
            int mid = (lo + hi) >>> 1;
            if (at(mid).resourceVersion() <= version) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        List<WatchEvent> out = new ArrayList<>(size - lo);
        for (int i = lo; i < size; i++) {
            out.add(at(i));
        }
        return out;
    }

    private WatchEvent at(int i) {
        return ring[(first + i) % ring.length];
    }
}
