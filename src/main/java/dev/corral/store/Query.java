package dev.corral.store;

import dev.corral.spec.Kind;
import dev.corral.spec.LabelSelector;
import dev.corral.spec.SpecObject;

/** Filters for listing objects; null fields match everything. */
public record Query(Kind kind, String session, LabelSelector selector, String source) {

    public static final Query ALL = new Query(null, null, null, null);

    public static Query ofKind(Kind kind) {
        return new Query(kind, null, null, null);
    }

    public static Query ofSource(String source) {
        return new Query(null, null, null, source);
    }

    public boolean matches(SpecObject o) {
        return (kind == null || o.kind() == kind)
                && (session == null || session.equals(o.metadata().session()))
                && (source == null || source.equals(o.metadata().source()))
                && (selector == null || selector.matches(o.metadata().labels()));
    }
}
