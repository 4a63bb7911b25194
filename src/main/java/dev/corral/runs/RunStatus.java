package dev.corral.runs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.spec.model.RunPhase;

import java.time.Instant;

/**
 * The fields of a run's status that decide what happens next, typed; read from the stored JSON
 * (which {@link RunStatusBuilder} alone writes).
 *
 * @param phase          null before the run was first looked at
 * @param timeoutSeconds null when not recorded yet (it is from the start on)
 * @param ttlSecondsAfterFinished null when not recorded yet (it is once finished)
 * @param containerId    the run's container once started
 * @param pooled         whether that container is a warm one, claimed from a pool
 * @param terminating    why Corral killed the run, until its result is collected
 */
public record RunStatus(RunPhase phase, Instant startedAt, Instant finishedAt, Long timeoutSeconds,
                        Long ttlSecondsAfterFinished, String containerId, boolean pooled, RunPhase terminating) {

    public static final RunStatus NONE = new RunStatus(null, null, null, null, null, null, false, null);

    public static RunStatus of(JsonNode status) {
        if (status == null) {
            return NONE;
        }
        return new RunStatus(RunPhase.of(text(status, "phase")), instant(status, "startedAt"),
                instant(status, "finishedAt"), number(status, "timeoutSeconds"),
                number(status, "ttlSecondsAfterFinished"), text(status, "containerId"),
                status.path("pooled").asBoolean(false), RunPhase.of(text(status, "terminating")));
    }

    public boolean finished() {
        return phase != null && phase.finished();
    }

    /** A warm container claimed by this run: its labels are its pool's, so only the status names it. */
    public String pooledContainer() {
        return pooled ? containerId : null;
    }

    private static String text(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asText() : null;
    }

    private static Instant instant(JsonNode n, String field) {
        return n.hasNonNull(field) ? Instant.parse(n.get(field).asText()) : null;
    }

    private static Long number(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asLong() : null;
    }
}
