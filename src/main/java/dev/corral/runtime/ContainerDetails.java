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
}
