package dev.corral.events;

import dev.corral.spec.Kind;

import java.time.Instant;
import java.util.function.Predicate;

/**
 * Which events a reader wants; every null field matches anything.
 *
 * @param since only events that happened (their last time) at or after this
 */
public record EventFilter(Kind kind, String session, String name, EventType type, Instant since)
        implements Predicate<Event> {

    public static final EventFilter ALL = new EventFilter(null, null, null, null, null);

    @Override
    public boolean test(Event e) {
        InvolvedObject o = e.involvedObject();
        return (kind == null || kind.name().equals(o.kind()))
                && (session == null || session.equals(o.session()))
                && (name == null || name.equals(o.name()))
                && (type == null || type == e.type())
                && (since == null || !e.lastTimestamp().isBefore(since));
    }
}
