package dev.corral.store;

/**
 * Told how long each write that changed something took, from the call to its acknowledgement (the
 * wait for the write lock and for the disk sync included): the store's latency as its writers see
 * it, published by {@link StoreMetrics} without the store knowing of metrics.
 */
@FunctionalInterface
public interface WriteTimer {

    WriteTimer NONE = (operation, nanos) -> { };

    /** @param operation {@code apply}, {@code delete} or {@code status} */
    void written(String operation, long nanos);
}
