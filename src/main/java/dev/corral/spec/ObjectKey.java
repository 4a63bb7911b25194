package dev.corral.spec;

import java.util.Comparator;
import java.util.Objects;

/**
 * Identity of a stored object: its kind, its session (only for session-scoped objects) and
 * its name. Prints as {@code relic/s1/web} or {@code agent/bot}; this is also the work-queue key.
 */
public record ObjectKey(Kind kind, String session, String name) implements Comparable<ObjectKey> {

    private static final Comparator<ObjectKey> ORDER = Comparator
            .comparing(ObjectKey::kind)
            .thenComparing(k -> k.session == null ? "" : k.session)
            .thenComparing(ObjectKey::name);

    public ObjectKey {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
    }

    public static ObjectKey of(Kind kind, String session, String name) {
        return new ObjectKey(kind, session, name);
    }

    public boolean inSession(String s) {
        return s.equals(session);
    }

    @Override
    public int compareTo(ObjectKey o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return session == null ? kind.pathName() + "/" + name : kind.pathName() + "/" + session + "/" + name;
    }

    /** Human-readable form used in messages: {@code Relic "s1/web"}. */
    public String describe() {
        return kind.name() + " \"" + (session == null ? name : session + "/" + name) + "\"";
    }
}
