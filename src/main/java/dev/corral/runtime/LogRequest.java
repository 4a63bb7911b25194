package dev.corral.runtime;

import java.time.Instant;

/**
 * What part of a container's log to read.
 *
 * @param follow go on with lines as they are written, until the container stops
 * @param tail   only the last this many lines (taken before {@code since} filters, as the engine does); null: all
 * @param since  only lines written at or after this time; null: from the start
 * @param until  only lines written before this time; null: up to now
 */
public record LogRequest(boolean follow, Integer tail, Instant since, Instant until) {

    public static LogRequest all() {
        return new LogRequest(false, null, null, null);
    }
}
