package dev.corral.admission;

import dev.corral.spec.Kind;
import dev.corral.spec.SpecObject;
import dev.corral.store.Query;
import dev.corral.store.StoreReader;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** A Session deleted or pruned takes every object scoped to it, whatever that object's source. */
final class SessionCascade {

    private SessionCascade() {
    }

    /** The objects scoped to the Sessions among {@code deleted}, in key order. */
    static List<SpecObject> of(List<SpecObject> deleted, StoreReader objects) {
        Set<String> sessions = deleted.stream().filter(o -> o.kind() == Kind.Session)
                .map(o -> o.metadata().name()).collect(Collectors.toSet());
        if (sessions.isEmpty()) {
            return List.of();
        }
        return objects.list(Query.ALL).stream()
                .filter(o -> o.metadata().session() != null && sessions.contains(o.metadata().session()))
                .toList();
    }
}
