package dev.corral.watch;

import dev.corral.spec.SpecObject;
import dev.corral.store.StoreEvent;

/**
 * One thing a watch sends: a change, an object of the initial list, or a bookmark.
 *
 * @param object          the new state; for DELETED the last state, at the deletion's version; null for a BOOKMARK
 * @param resourceVersion the change's store-wide version: where a client that saw it resumes from
 * @param listed          part of the initial list (a watch without resourceVersion): not a change, so no position
 *                        to resume from; the BOOKMARK after the list gives that
 */
public record WatchEvent(Type type, SpecObject object, long resourceVersion, boolean listed) {

    public enum Type {
        ADDED, MODIFIED, DELETED,
        /** No object: the watch has seen every change up to {@code resourceVersion} (those it sent and those it filtered out). */
        BOOKMARK
    }

    /** A store change as a watch tells it: a status change is a MODIFIED like any other. */
    static WatchEvent of(StoreEvent e) {
        Type type = switch (e.type()) {
            case ADDED -> Type.ADDED;
            case MODIFIED, STATUS -> Type.MODIFIED;
            case DELETED -> Type.DELETED;
        };
        return new WatchEvent(type, e.object(), e.object().resourceVersion(), false);
    }

    static WatchEvent listed(SpecObject o) {
        return new WatchEvent(Type.ADDED, o, o.resourceVersion(), true);
    }

    static WatchEvent bookmark(long resourceVersion) {
        return new WatchEvent(Type.BOOKMARK, null, resourceVersion, false);
    }
}
