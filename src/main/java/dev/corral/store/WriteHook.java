package dev.corral.store;

import dev.corral.spec.SpecObject;

import java.util.List;
import java.util.Optional;

/**
 * The domain's rules on writes, which the store enforces without knowing them (it knows no kinds).
 * The store calls its hook under its write lock, with the objects as stored and as the write
 * would leave them, so that no other write can slip between the check and the commit. Each
 * method has a default that allows everything, so {@link #NONE} is a plain versioned store.
 *
 * <p>Per object of an apply the store checks, in this order: {@code createOnly}, then
 * {@link #checkWriter}, its resourceVersion precondition, then {@link #checkChange}: who may
 * write is answered before which version, and what may change only for the version read.
 */
public interface WriteHook {

    WriteHook NONE = new WriteHook() { };

    /** May the apply described by {@code options} write over {@code current} at all? */
    default Optional<Refusal> checkWriter(SpecObject current, ApplyOptions options) {
        return Optional.empty();
    }

    /** May {@code current} become {@code proposed} (same key and uid; a resourceVersion is handed out only if it is written)? */
    default Optional<Refusal> checkChange(SpecObject current, SpecObject proposed) {
        return Optional.empty();
    }

    /** May {@code source} delete {@code target} (after the delete's precondition held)? */
    default Optional<Refusal> checkDelete(SpecObject target, String source) {
        return Optional.empty();
    }

    /**
     * Objects that go with {@code deleted} (deleted by name or pruned), in key order; the store
     * drops those the same write declares and those already deleted.
     */
    default List<SpecObject> cascade(List<SpecObject> deleted, StoreReader objects) {
        return List.of();
    }
}
