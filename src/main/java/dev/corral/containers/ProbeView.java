package dev.corral.containers;

import java.time.Instant;

/**
 * What the health prober has seen of the current container.
 *
 * @param containerId         the container these results are about
 * @param since               when probing of this container began (its start, as Corral saw it)
 * @param passed              a probe has passed since the container started
 * @param consecutiveFailures failures in a row since the last pass
 * @param lastMessage         why the last probe failed, or null
 */
public record ProbeView(String containerId, Instant since, boolean passed, int consecutiveFailures, String lastMessage) {
}
