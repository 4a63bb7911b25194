package dev.corral.store;

/**
 * Told of every change, in resourceVersion order, after it is durable. Called on the writing
 * thread while the store's write lock is held, so a listener must only record or enqueue.
 */
@FunctionalInterface
public interface StoreListener {
    void onEvent(StoreEvent event);
}
