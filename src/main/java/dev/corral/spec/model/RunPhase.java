package dev.corral.spec.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Set;

/** The phases of a tool run's {@code status.phase}; the finished ones never change again. */
public enum RunPhase {
    PENDING("Pending"),
    RUNNING("Running"),
    SUCCEEDED("Succeeded"),
    FAILED("Failed"),
    TIMED_OUT("TimedOut"),
    CANCELLED("Cancelled"),
    OOM_KILLED("OOMKilled");

    private static final Set<RunPhase> FINISHED = Set.of(SUCCEEDED, FAILED, TIMED_OUT, CANCELLED, OOM_KILLED);

    private final String json;

    RunPhase(String json) {
        this.json = json;
    }

    /** The value as written in status: {@code TimedOut}, {@code OOMKilled}, ... */
    public String json() {
        return json;
    }

    public boolean finished() {
        return FINISHED.contains(this);
    }

    /** The phase a status value names; null for none (a run not looked at yet) or an unknown value. */
    public static RunPhase of(String json) {
        for (RunPhase p : values()) {
            if (p.json.equals(json)) {
                return p;
            }
        }
        return null;
    }

    /** The phase a run's status names; null for none or an unknown value. */
    public static RunPhase ofStatus(JsonNode status) {
        return status == null ? null : of(status.path("phase").asText(null));
    }

    /** The phase a run's status names as written in JSON; {@code Pending} while it names none. */
    public static String jsonOrPending(JsonNode status) {
        RunPhase p = ofStatus(status);
        return (p == null ? PENDING : p).json;
    }

    /** Whether a run's status (null: not looked at yet) names a finished phase. */
    public static boolean finishedIn(JsonNode status) {
        RunPhase p = ofStatus(status);
        return p != null && p.finished();
    }

    @Override
    public String toString() {
        return json;
    }
}
