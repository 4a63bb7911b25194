package dev.corral.store;

import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;

import java.util.List;
import java.util.Optional;

/** The read side of a store: what a {@link WriteHook} may look at while a write is decided. */
public interface StoreReader {

    Optional<SpecObject> get(ObjectKey key);

    /** Objects matching the query, in key order. */
    List<SpecObject> list(Query query);
}
