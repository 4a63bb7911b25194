package dev.corral.watch;

import dev.corral.store.Listing;
import dev.corral.store.Query;

import java.util.ArrayDeque;
import java.util.List;

/**
 * One client's watch: the events it has still to send, in resourceVersion order. The hub offers
 * every change on the store's delivery thread, which must never wait for a client; the consumer
 * polls from its own thread. Changes queue up to a bound: a watcher that falls further behind is
 * {@link #overflowed()} and ends, and its client resumes from the last version it read (from the
 * history, or with a new list if that is gone), so no change is lost and memory stays bounded.
 *
 * <p>Each change is queued at most once: one at or below the watcher's position (the version it
 * started after, then the last change queued or filtered out) is a repeat, and dropped. That
 * makes the start safe. A watch from a list is registered before the list is read, so it is
 * offered changes that the list may already hold; a watch from a version may start ahead of the
 * hub (at a version the store has made visible but not yet delivered), and is then offered
 * changes its client has seen.
 */
public final class Watcher implements AutoCloseable {

    private final WatchHub hub;
    private final Query query;
    private final int bound;
    private final Runnable wake;
    /** The initial list or the replay from the history: bounded by the store or the history, not by {@code bound}. */
    private final ArrayDeque<WatchEvent> backlog = new ArrayDeque<>();
    private final ArrayDeque<WatchEvent> live = new ArrayDeque<>();
    /** Changes up to here are in the backlog, queued, or filtered out; -1 while the initial list is being read. */
    private long position = -1;
    /** A change after the last one queued was filtered out: a bookmark can move the client forward. */
    private boolean skipped;
    private boolean overflowed;
    private boolean closed;

    Watcher(WatchHub hub, Query query, int bound, Runnable wake) {
        this.hub = hub;
        this.query = query;
        this.bound = bound;
        this.wake = wake;
    }

    /**
     * Starts after {@code from}: the history's changes after it (matching ones are queued outside
     * the bound, which the history's size bounds), then live ones. Called by the hub under its
     * lock, so no change can come between the replay and the live changes.
     */
    synchronized void resume(long from, List<WatchEvent> changes) {
        position = from;
        for (WatchEvent e : changes) {
            if (query.matches(e.object())) {
                backlog.add(e);
                skipped = false;
            } else {
                skipped = true;
            }
            position = e.resourceVersion();
        }
    }

    /**
     * Starts with the matching objects as they are at {@code listed.resourceVersion()}, then a
     * bookmark at that version, then the changes after it. The watcher was registered before the
     * list was read: what it was offered meanwhile that the list already holds is dropped.
     */
    void start(Listing listed) {
        long at = listed.resourceVersion();
        synchronized (this) {
            listed.items().forEach(o -> backlog.add(WatchEvent.listed(o)));
            backlog.add(WatchEvent.bookmark(at));
            live.removeIf(e -> e.resourceVersion() <= at);
            position = live.isEmpty() ? at : live.peekLast().resourceVersion();
        }
        wake.run();
    }

    /**
     * A change, offered by the hub in commit order.
     *
     * @return false when the watcher is over its bound (or closed) and must be dropped
     */
    boolean offer(WatchEvent e) {
        boolean keep = true;
        synchronized (this) {
            if (closed || overflowed) {
                return false;
            }
            boolean listing = position < 0;
            if (!listing && e.resourceVersion() <= position) {
                return true; // a repeat of the replay
            }
            if (!query.matches(e.object())) {
                if (!listing) {
                    position = e.resourceVersion();
                    skipped = true;
                }
                return true;
            }
            if (live.size() >= bound) {
                overflowed = true;
                keep = false;
                backlog.clear();
                live.clear();
            } else {
                boolean wakeUp = backlog.isEmpty() && live.isEmpty();
                live.add(e);
                if (!listing) {
                    position = e.resourceVersion();
                    skipped = false;
                }
                if (!wakeUp) {
                    return true;
                }
            }
        }
        wake.run();
        return keep;
    }

    /** Queues a bookmark if changes were filtered out since the last change queued and nothing waits. */
    void bookmarkIfSkipped() {
        synchronized (this) {
            if (!skipped || closed || overflowed || !backlog.isEmpty() || !live.isEmpty()) {
                return;
            }
            skipped = false;
            live.add(WatchEvent.bookmark(position));
        }
        wake.run();
    }

    /** The next event to send, or null when there is none now. */
    public synchronized WatchEvent poll() {
        WatchEvent e = backlog.poll();
        return e != null ? e : live.poll();
    }

    /** True once the watcher fell more than the bound behind: it must end. */
    public synchronized boolean overflowed() {
        return overflowed;
    }

    /** True once closed (by its consumer, or by the hub when Corral stops). */
    public synchronized boolean closed() {
        return closed;
    }

    /** Stops offers and frees what is queued; safe to call more than once. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            backlog.clear();
            live.clear();
        }
        hub.remove(this);
        wake.run();
    }
}
