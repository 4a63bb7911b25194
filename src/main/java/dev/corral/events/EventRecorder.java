package dev.corral.events;

import dev.corral.spec.ObjectKey;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Kubernetes-style events, kept in memory only: a bounded ring ({@code corral.events.max}) of the
 * latest events, where a repeat of an event (see {@link Correlation}) is folded into it — its count
 * grows, its last time and message are the repeat's, and it moves to the newest end — so a crash
 * loop is one event counting up, not a flood. When the ring is full the event least recently seen
 * is dropped; the folding index holds only what the ring holds, so it is bounded too.
 *
 * <p>Recording is cheap and never blocks on anything but this object's short lock: no store write,
 * no I/O. That is why events are not durable (a restart forgets them): they say what happened
 * lately, the status says what is. Watchers are told of each change under that lock, in order, so
 * they must only hand the change on (an SSE send, which does not wait for the client).
 */
public final class EventRecorder {

    private static final Logger LOG = Logger.getLogger(EventRecorder.class);

    /** Longest message kept; engine errors can be long, and a thousand events must stay small. */
    static final int MAX_MESSAGE = 1024;

    /** How a watcher learns of a change. */
    public enum ChangeType { ADDED, MODIFIED }

    /** A change as watchers see it. */
    public record Change(ChangeType type, Event event) {
    }

    private final int max;
    private final Clock clock;
    private final LinkedHashMap<Correlation, Event> ring = new LinkedHashMap<>();
    private final List<Watch> watches = new CopyOnWriteArrayList<>();
    private long nextId = 1;

    public EventRecorder(int max, Clock clock) {
        if (max < 1) {
            throw new IllegalArgumentException("corral.events.max must be at least 1, not " + max);
        }
        this.max = max;
        this.clock = clock;
    }

    public void normal(ObjectKey key, String uid, String reason, String message) {
        record(key, uid, EventType.Normal, reason, message);
    }

    public void warning(ObjectKey key, String uid, String reason, String message) {
        record(key, uid, EventType.Warning, reason, message);
    }

    /**
     * Records that {@code reason} happened to the object, or counts one more of it.
     *
     * @param uid the object's {@code metadata.uid}, or null when not known
     */
    public void record(ObjectKey key, String uid, EventType type, String reason, String message) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(reason, "reason");
        String text = message == null ? "" : message.length() <= MAX_MESSAGE ? message
                : message.substring(0, MAX_MESSAGE - 3) + "...";
        InvolvedObject object = InvolvedObject.of(key, uid);
        Correlation c = Correlation.of(object, type, reason, text);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        synchronized (this) {
            Event before = ring.remove(c);
            Change change;
            if (before == null) {
                change = new Change(ChangeType.ADDED, new Event(nextId++, type, reason, text, object, 1, now, now));
                if (ring.size() >= max) {
                    Iterator<Map.Entry<Correlation, Event>> oldest = ring.entrySet().iterator();
                    oldest.next();
                    oldest.remove();
                }
            } else {
                change = new Change(ChangeType.MODIFIED, before.repeated(text, now));
            }
            ring.put(c, change.event());
            tell(change);
        }
    }

    /** The events that match, least recently seen first. */
    public synchronized List<Event> list(Predicate<? super Event> filter) {
        List<Event> out = new ArrayList<>();
        for (Event e : ring.values()) {
            if (filter.test(e)) {
                out.add(e);
            }
        }
        return out;
    }

    /** Events held now. */
    public synchronized int size() {
        return ring.size();
    }

    /**
     * Starts watching, as a Kubernetes watch does: {@code onChange} is first told of every event
     * that matches now (as {@code ADDED}, least recently seen first), then of every later change
     * that matches, until the returned watch is closed. Both happen under the lock, so nothing falls
     * between them or arrives out of order.
     */
    public Watch watch(EventFilter filter, Consumer<Change> onChange) {
        synchronized (this) {
            Watch w = new Watch(filter, onChange);
            for (Event e : list(filter)) {
                onChange.accept(new Change(ChangeType.ADDED, e));
            }
            watches.add(w);
            return w;
        }
    }

    /** Watches open now. */
    public int watching() {
        return watches.size();
    }

    private void tell(Change change) {
        for (Watch w : watches) {
            if (w.filter.test(change.event())) {
                try {
                    w.onChange.accept(change);
                } catch (RuntimeException e) {
                    // A watcher's failure is its own: the event is recorded and the others are told.
                    LOG.debugf(e, "an event watcher failed; closing it");
                    w.close();
                }
            }
        }
    }

    /** One watcher's subscription. Closing it is idempotent. */
    public final class Watch implements AutoCloseable {
        private final EventFilter filter;
        private final Consumer<Change> onChange;

        private Watch(EventFilter filter, Consumer<Change> onChange) {
            this.filter = filter;
            this.onChange = onChange;
        }

        @Override
        public void close() {
            watches.remove(this);
        }
    }
}
