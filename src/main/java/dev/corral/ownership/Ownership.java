package dev.corral.ownership;

import dev.corral.runtime.Labels;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which object owns an engine resource: the one place its labels are written ({@link #of} and
 * friends) and read back ({@link #ownerOf}). The runtime adds {@link Labels#INSTANCE} to everything it
 * creates; everything else that says "who owns this" is here.
 */
public final class Ownership {

    private Ownership() {
    }

    /** The labels of a resource owned by object {@code o}: managed, kind, name, session, uid. */
    public static Map<String, String> of(SpecObject o) {
        return of(o.kind(), o.metadata().session(), o.metadata().name(), o.metadata().uid());
    }

    public static Map<String, String> of(Kind kind, String session, String name, String uid) {
        Map<String, String> labels = new TreeMap<>();
        labels.put(Labels.MANAGED, "true");
        labels.put(Labels.KIND, kind.name());
        labels.put(Labels.NAME, name);
        if (session != null) {
            labels.put(Labels.SESSION, session);
        }
        if (uid != null) {
            labels.put(Labels.UID, uid);
        }
        return labels;
    }

    /** A session's network: owned by the Session, its name also in {@link Labels#SESSION}, and its subnet. */
    public static Map<String, String> network(String session, String uid, String subnet) {
        Map<String, String> labels = of(Kind.Session, session, session, uid);
        if (subnet != null) {
            labels.put(Labels.SUBNET, subnet);
        }
        return labels;
    }

    /**
     * A named volume: a relic's belongs to its session (relics of one session naming the same volume
     * share it, and it goes with the session); an agent's to the agent.
     */
    public static Map<String, String> volume(ObjectKey owner, String volume) {
        return owner.kind() == Kind.Agent ? of(Kind.Agent, null, owner.name(), null)
                : of(Kind.Session, owner.session(), volume, null);
    }

    /** An idle container of a warm pool: owned by the pool's key (a Tool, or a language runner). */
    public static Map<String, String> warm(ObjectKey pool, String hash) {
        Map<String, String> labels = of(pool.kind(), null, pool.name(), null);
        labels.put(Labels.POOL, "true");
        labels.put(Labels.SPEC_HASH, hash);
        return labels;
    }

    /** The owner a resource's labels name, or null when they name none Corral knows. */
    public static ObjectKey ownerOf(Map<String, String> labels) {
        if (!Labels.managed(labels)) {
            return null;
        }
        Optional<Kind> kind = Kind.ofSpecName(String.valueOf(labels.get(Labels.KIND)));
        String name = labels.get(Labels.NAME);
        String session = labels.get(Labels.SESSION);
        if (kind.isEmpty() || name == null) {
            return null;
        }
        if (kind.get() == Kind.Session) {
            return session == null ? null : ObjectKey.of(Kind.Session, null, session);
        }
        if (kind.get().sessionScope() == Kind.Scope.FORBIDDEN) {
            return ObjectKey.of(kind.get(), null, name);
        }
        if (kind.get().sessionScope() == Kind.Scope.REQUIRED && session == null) {
            return null;
        }
        return ObjectKey.of(kind.get(), session, name);
    }
}
