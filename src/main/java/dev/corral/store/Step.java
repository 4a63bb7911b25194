package dev.corral.store;

import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One write being assembled under the write lock: the resourceVersions it hands out (one per
 * object, store-wide increasing), the log record it will append and the events it will announce.
 */
final class Step {

    private final Instant now;
    private long next;
    private final List<SpecObject> writes = new ArrayList<>();
    private final List<ObjectKey> deletes = new ArrayList<>();
    private final List<StoreEvent> events = new ArrayList<>();

    Step(long resourceVersion, Instant now) {
        this.next = resourceVersion;
        this.now = now;
    }

    Instant now() {
        return now;
    }

    long nextVersion() {
        return ++next;
    }

    /** Records {@code written}, new when {@code previous} is null. */
    SpecObject write(SpecObject written, SpecObject previous) {
        writes.add(written);
        events.add(new StoreEvent(previous == null ? StoreEvent.Type.ADDED : StoreEvent.Type.MODIFIED, written, previous));
        return written;
    }

    SpecObject writeStatus(SpecObject written, SpecObject previous) {
        writes.add(written);
        events.add(new StoreEvent(StoreEvent.Type.STATUS, written, previous));
        return written;
    }

    /** Records the deletion of {@code o}; returns its last state, at the deletion's resourceVersion. */
    SpecObject delete(SpecObject o) {
        SpecObject gone = o.withMetadata(o.metadata().withResourceVersion(nextVersion(), now));
        deletes.add(o.key());
        events.add(new StoreEvent(StoreEvent.Type.DELETED, gone, o));
        return gone;
    }

    LogRecord record() {
        return new LogRecord(next, writes, deletes);
    }

    boolean isEmpty() {
        return writes.isEmpty() && deletes.isEmpty();
    }

    List<StoreEvent> events() {
        return events;
    }
}
