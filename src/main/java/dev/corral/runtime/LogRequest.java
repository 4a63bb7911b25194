package dev.corral.runtime;

import java.time.Instant;

/**
 * What part of a container's log to read.
 *
 * @param follow go on with lines as they are written, until the container stops
 * @param tail   only the last this many lines (of those within the times); null: all. Not with
 *               {@code follow} and a time: the last lines are known only at the end
 * @param since  only lines written at or after this time; null: from the start
 * @param until  only lines written before this time; null: up to now
 */
public record LogRequest(boolean follow, Integer tail, Instant since, Instant until) {

    public LogRequest {
        if (follow && tail != null && (since != null || until != null)) {
            throw new IllegalArgumentException("a followed read takes a tail or times, not both");
        }
    }

    public static LogRequest all() {
        return new LogRequest(false, null, null, null);
    }
}
