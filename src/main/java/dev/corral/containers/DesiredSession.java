package dev.corral.containers;

import dev.corral.ownership.ResourceNames;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.spec.model.SessionSpec;

import java.time.Instant;

/**
 * What one Session asks for: its network, and an end when it has a TTL.
 *
 * @param source    who declared it (the store refuses a delete from anyone else)
 * @param expiresAt when its TTL runs out, or null
 */
public record DesiredSession(ObjectKey key, String uid, long generation, String source, SessionSpec spec,
                             Instant expiresAt) {

    public static DesiredSession of(SpecObject o) {
        SessionSpec spec = SessionSpec.of(o.spec());
        return new DesiredSession(o.key(), o.metadata().uid(),
                o.metadata().generation() == null ? 0 : o.metadata().generation(), o.metadata().source(), spec,
                spec.expiresAt(o.metadata().createdAt()));
    }

    public String network() {
        return ResourceNames.network(key.name());
    }
}
