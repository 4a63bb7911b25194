package dev.corral.store;

import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;

/**
 * A change the store made durable. {@code object} is the new state (for DELETED, the last state
 * before deletion); {@code previous} is the state before the change, or null when ADDED.
 */
public record StoreEvent(Type type, SpecObject object, SpecObject previous) {

    public enum Type {
        /** A new object. */
        ADDED,
        /** The spec, labels or annotations changed (the generation grew if the spec did). */
        MODIFIED,
        /** Only the status changed. */
        STATUS,
        /** The object is gone. */
        DELETED
    }

    public ObjectKey key() {
        return object.key();
    }
}
