package dev.corral.watch;

import dev.corral.store.Query;
import dev.corral.store.SpecStore;
import dev.corral.store.StoreEvent;
import dev.corral.store.StoreListener;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Watches of the store, like the Kubernetes watch API: a store listener keeps the last changes
 * (a {@link WatchHistory}) and hands each to every open {@link Watcher}. A watch from a
 * resourceVersion replays the held changes after it, then continues live; one without starts
 * with the current objects. Changes are numbered store-wide and delivered in commit order, so
 * "after version N" is exact: a client that resumes from the last version it saw misses nothing
 * and sees nothing twice.
 *
 * <p>One lock guards the history and the set of watchers: the replay of a resuming watch and its
 * registration happen together, so no change falls between the two. The listener only appends
 * and enqueues under it; writing to clients happens on the watchers' consumers' threads.
 */
public final class WatchHub implements StoreListener, AutoCloseable {

    private final SpecStore store;
    private final int buffer;
    private final Set<Watcher> watchers = new LinkedHashSet<>();
    private WatchHistory history;
    private boolean closed;

    private WatchHub(SpecStore store, int buffer) {
        if (buffer < 1) {
            throw new IllegalArgumentException("corral.watch.buffer must be at least 1, not " + buffer);
        }
        this.store = store;
        this.buffer = buffer;
    }

    /**
     * A hub listening to {@code store} from now on.
     *
     * @param history changes kept for watches that resume
     * @param buffer  changes queued for one watcher before it is closed as too slow
     */
    public static WatchHub attach(SpecStore store, int history, int buffer) {
        WatchHub hub = new WatchHub(store, buffer);
        synchronized (hub) {
            // Listening first, then reading the version: every change after it reaches the hub
            // (a change at or below it that is delivered late is ignored by onEvent).
            store.addListener(hub);
            hub.history = new WatchHistory(store.resourceVersion(), history);
        }
        return hub;
    }

    @Override
    public synchronized void onEvent(StoreEvent event) {
        WatchEvent e = WatchEvent.of(event);
        if (e.resourceVersion() <= history.newest()) {
            return; // made before the hub started listening
        }
        history.add(e);
        for (Iterator<Watcher> it = watchers.iterator(); it.hasNext(); ) {
            if (!it.next().offer(e)) {
                it.remove();
            }
        }
    }

    /**
     * Opens a watch of the objects {@code query} matches.
     *
     * @param from the version to continue after, or null (or 0, as in Kubernetes: any version)
     *             to start with the matching objects as they are now, as ADDED
     * @param wake called, on any thread and without blocking, when the watcher has something to
     *             poll or has ended; it must not call back into the hub
     * @throws WatchGoneException when {@code from} is older than the history holds, or newer than the store
     */
    public Watcher watch(Query query, Long from, Runnable wake) {
        Watcher w = new Watcher(this, query, buffer, wake);
        if (from != null && from != 0) {
            synchronized (this) {
                checkOpen();
                long current = store.resourceVersion();
                if (from < history.floor() || from > current) {
                    throw new WatchGoneException(from, history.floor(), current);
                }
                watchers.add(w);
                w.resume(from, history.after(from));
            }
            wake.run();
            return w;
        }
        synchronized (this) {
            checkOpen();
            watchers.add(w);
        }
        // Registered first, then listed (outside the hub's lock: the list takes the store's write
        // lock); what the watcher is offered meanwhile and the list holds, it drops.
        try {
            w.start(store.listConsistent(query));
        } catch (RuntimeException ex) {
            w.close();
            throw ex;
        }
        return w;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("Corral is stopping");
        }
    }

    /** Gives every watcher that filtered changes out since it last queued one a bookmark to move its client forward. */
    public void bookmark() {
        List<Watcher> all;
        synchronized (this) {
            all = new ArrayList<>(watchers);
        }
        all.forEach(Watcher::bookmarkIfSkipped);
    }

    synchronized void remove(Watcher w) {
        watchers.remove(w);
    }

    /** Open watchers. */
    public synchronized int watchers() {
        return watchers.size();
    }

    /** The oldest version a watch can resume from: changes after it are held. */
    public synchronized long oldest() {
        return history.floor();
    }

    /** Ends every watch (Corral is stopping); their clients reconnect to the next Corral. */
    @Override
    public void close() {
        List<Watcher> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(watchers);
        }
        all.forEach(Watcher::close);
    }
}
