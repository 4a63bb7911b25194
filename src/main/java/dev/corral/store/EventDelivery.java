package dev.corral.store;

import org.jboss.logging.Logger;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hands the store's events to its listeners in commit order, outside the write lock.
 *
 * <p>Why outside: a listener called under the write lock stalls every writer for as long as it
 * runs, and one that reads back through a component waiting on a write deadlocks. So a writer
 * queues its events while it still holds the write lock (which fixes their order: the order of
 * the commits) and, once it has released it, delivers everything queued. One thread delivers at
 * a time; a writer that finds another delivering waits for it, then delivers what is left, so
 * its own events have reached every listener when its write returns and none is left behind.
 */
final class EventDelivery {

    private static final Logger LOG = Logger.getLogger(EventDelivery.class);

    private final List<StoreListener> listeners = new CopyOnWriteArrayList<>();
    private final Queue<StoreEvent> queued = new ConcurrentLinkedQueue<>();
    private final ReentrantLock delivering = new ReentrantLock();

    void addListener(StoreListener listener) {
        listeners.add(listener);
    }

    /** Called under the store's write lock, in commit order. */
    void enqueue(List<StoreEvent> events) {
        queued.addAll(events);
    }

    /** Called after the store's write lock is released. */
    void deliverQueued() {
        if (delivering.isHeldByCurrentThread()) {
            // A listener that writes: the delivery loop below it sends its events next, in order.
            return;
        }
        delivering.lock();
        try {
            for (StoreEvent e = queued.poll(); e != null; e = queued.poll()) {
                deliver(e);
            }
        } finally {
            delivering.unlock();
        }
    }

    private void deliver(StoreEvent e) {
        for (StoreListener l : listeners) {
            try {
                l.onEvent(e);
            } catch (RuntimeException ex) {
                LOG.errorf(ex, "store listener failed on %s %s", e.type(), e.key());
            }
        }
    }
}
