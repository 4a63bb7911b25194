package dev.corral.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.runtime.Logs;
import dev.corral.spec.Json;
import dev.corral.spec.SpecObject;
import dev.corral.spec.model.RunPhase;

import java.time.Duration;
import java.time.Instant;

/**
 * The one writer of a run's status: each method is one transition of it, in the terms of the
 * run's life (pending, running, terminating, collected, finished), so no caller puts raw fields.
 * Starts from the stored status; {@link #build()} is what the store gets.
 */
public final class RunStatusBuilder {

    private final ObjectNode status;
    private final long generation;

    private RunStatusBuilder(ObjectNode status, long generation) {
        this.status = status;
        this.generation = generation;
    }

    public static RunStatusBuilder of(SpecObject run) {
        ObjectNode current = run.status() == null ? Json.MAPPER.createObjectNode() : run.status().deepCopy();
        return new RunStatusBuilder(current, run.metadata().generation() == null ? 0 : run.metadata().generation());
    }

    public RunStatus typed() {
        return RunStatus.of(status);
    }

    /** Waiting for a slot: the rest of the status is kept. */
    public RunStatusBuilder pending(String message) {
        status.put("phase", RunPhase.PENDING.json()).put("message", message).put("observedGeneration", generation);
        return this;
    }

    /** Back to the start after a warm container failed to take the run: nothing of that attempt is kept. */
    public RunStatusBuilder pendingAgain(String message) {
        status.removeAll();
        status.put("phase", RunPhase.PENDING.json()).put("observedGeneration", generation).put("message", message);
        return this;
    }

    /** Started now: a fresh status, the limits it runs under recorded. */
    public RunStatusBuilder running(Instant startedAt, long timeoutSeconds, long ttlSeconds) {
        status.removeAll();
        status.put("phase", RunPhase.RUNNING.json()).put("observedGeneration", generation)
                .put("startedAt", startedAt.toString()).put("timeoutSeconds", timeoutSeconds)
                .put("ttlSecondsAfterFinished", ttlSeconds);
        return this;
    }

    /** When it started, as known better than at {@link #running} (once the engine has started its container). */
    public RunStatusBuilder startedAt(Instant startedAt) {
        status.put("startedAt", startedAt.toString());
        return this;
    }

    /** A field of its own for where it ran ({@code node}, {@code taskId} of a Swarm job); null leaves it out. */
    public RunStatusBuilder where(String field, String value) {
        if (value != null) {
            status.put(field, value);
        }
        return this;
    }

    public RunStatusBuilder container(String id) {
        status.put("containerId", id);
        return this;
    }

    /** The container is a warm one, claimed from a pool. */
    public RunStatusBuilder pooled() {
        status.put("pooled", true);
        return this;
    }

    /** Why Corral is killing it, said before the kill so that a collector after a crash still knows. */
    public RunStatusBuilder terminating(RunPhase why) {
        status.put("terminating", why.json());
        return this;
    }

    /** {@code status.resources}; null (nothing measured) leaves it as it is. */
    public RunStatusBuilder resources(ObjectNode resources) {
        if (resources != null) {
            status.set("resources", resources);
        }
        return this;
    }

    /** What the collector read: how it exited, when it really started, and its output. */
    public RunStatusBuilder collected(Long exitCode, Instant startedAt, Logs logs, String stderr, ObjectNode resources,
                                      RunFiles.Output files, JsonNode result) {
        status.remove("terminating");
        if (exitCode != null) {
            status.put("exitCode", exitCode.intValue());
        }
        status.put("startedAt", startedAt.toString());
        status.put("stdout", logs.stdout()).put("stderr", stderr);
        resources(resources);
        status.putObject("truncated").put("stdout", logs.stdoutTruncated()).put("stderr", logs.stderrTruncated())
                .put("files", files != null && files.filesTruncated());
        if (result != null) {
            status.set("result", result);
        }
        if (files != null) {
            status.set("files", files.files());
            if (files.variables() != null) {
                status.set("variables", files.variables());
            }
            if (files.condition() != null) {
                status.set("condition", files.condition().path("condition"));
            }
        }
        return this;
    }

    /**
     * Finished: for good. A run that never started records the TTL it has now.
     *
     * @param startedAt null when it never ran (no duration then)
     * @param ttlSeconds kept only when no TTL was recorded at its start
     */
    public RunStatusBuilder finished(RunPhase phase, String message, Instant startedAt, Instant end, long ttlSeconds) {
        status.put("phase", phase.json()).put("observedGeneration", generation).put("finishedAt", end.toString());
        if (startedAt != null) {
            status.put("durationMs", Math.max(0, Duration.between(startedAt, end).toMillis()));
        }
        if (message != null) {
            status.put("message", message);
        } else {
            status.remove("message");
        }
        if (!status.has("ttlSecondsAfterFinished")) {
            status.put("ttlSecondsAfterFinished", ttlSeconds);
        }
        return this;
    }

    public ObjectNode build() {
        return status.deepCopy();
    }
}
