package dev.corral.runtime;

import java.time.Instant;
import java.util.Map;

/**
 * What an inspect adds to a list entry: how the container last ended and where to reach it.
 *
 * @param startedAt  null if never started
 * @param finishedAt null if it never ended
 * @param ipAddresses network name to the container's address on it
 */
public record ContainerDetails(String id, String name, Map<String, String> labels, boolean running, Long exitCode,
                               boolean oomKilled, String error, Instant startedAt, Instant finishedAt,
                               Map<String, String> ipAddresses) {

    /**
     * Where the current run begins in the container's log; null: the whole log is this run.
     * Exact for a container restarted in place: everything after its last exit, as the engine
     * marks the exit only once a run's output is copied. For a container stopped now it is its
     * last start, which the engine records a moment after the process began: a line written in
     * that moment counts as the run before.
     */
    public Instant currentRunFrom() {
        if (startedAt == null || finishedAt == null) {
            return null;
        }
        return finishedAt.isBefore(startedAt) ? finishedAt : startedAt;
    }
}
