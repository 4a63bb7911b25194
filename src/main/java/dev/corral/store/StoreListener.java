package dev.corral.store;

/**
 * Told of every change, in resourceVersion (commit) order, once it is visible to readers (a
 * moment before it is durable, like them). Called on a writing thread after the store's write
 * lock is released, one event at a time; the write returns only after its events were
 * delivered. Other writers wait for a listener to return, so it should only record or enqueue.
 */
@FunctionalInterface
public interface StoreListener {
    void onEvent(StoreEvent event);
}
