package dev.corral.seeds;

import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.store.Query;
import dev.corral.store.SpecStore;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Finds the object a seed's id names. The seeds hand out their own names, or Docker's container
 * ids: a seed name (mapped by {@link SeedNames}), the object's own name, or a unique prefix of at
 * least {@link #MIN_ID_PREFIX} hex digits of its container's id, as {@code docker} takes them.
 */
final class SeedLookup {

    static final int MIN_ID_PREFIX = 12;
    private static final Pattern CONTAINER_ID = Pattern.compile("[0-9a-f]{" + MIN_ID_PREFIX + ",64}");

    private SeedLookup() {
    }

    /** The object of {@code kind} (in {@code session}, when it has sessions and one is given) that {@code id} names. */
    static Optional<SpecObject> find(SpecStore store, Kind kind, String session, String id) {
        if (id == null || id.isEmpty() || id.length() > SeedNames.MAX_SEED_NAME) {
            return Optional.empty();
        }
        String name = SeedNames.toObjectName(id);
        if (session != null || kind.sessionScope() != Kind.Scope.REQUIRED) {
            Optional<SpecObject> direct = store.get(new ObjectKey(kind, session, name));
            if (direct.isPresent()) {
                return direct;
            }
        }
        // Without a session, a session-scoped object by name (the seeds' ids are unique across sessions), then by container id.
        List<SpecObject> all = store.list(Query.ofKind(kind));
        List<SpecObject> byName = all.stream()
                .filter(o -> o.metadata().name().equals(name) && (session == null || session.equals(o.metadata().session())))
                .toList();
        if (byName.size() == 1) {
            return Optional.of(byName.get(0));
        }
        if (!CONTAINER_ID.matcher(id).matches()) {
            return Optional.empty();
        }
        List<SpecObject> byContainer = all.stream().filter(o -> o.status() != null
                && o.status().path("containerId").asText("").startsWith(id)).toList();
        return byContainer.size() == 1 ? Optional.of(byContainer.get(0)) : Optional.empty();
    }
}
