package dev.corral.events;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.time.Instant;

/**
 * One event, possibly standing for several: repeats are folded into it ({@code count},
 * {@code firstTimestamp}, {@code lastTimestamp}; {@code message} is the latest). Immutable: a
 * repeat replaces the event with a copy under the same {@code id}.
 *
 * @param id Corral-wide, increasing with each new event (not with repeats); not kept across restarts
 */
@JsonPropertyOrder({"id", "type", "reason", "message", "involvedObject", "count", "firstTimestamp", "lastTimestamp"})
public record Event(long id, EventType type, String reason, String message, InvolvedObject involvedObject, long count,
                    Instant firstTimestamp, Instant lastTimestamp) {

    Event repeated(String latestMessage, Instant at) {
        return new Event(id, type, reason, latestMessage, involvedObject, count + 1, firstTimestamp, at);
    }
}
