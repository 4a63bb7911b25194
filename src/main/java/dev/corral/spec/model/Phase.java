package dev.corral.spec.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Where a Session, Relic or Agent stands, as {@code status.phase} says it: the JSON value is the
 * constant's name. (ToolRuns have their own phases.)
 */
public enum Phase {
    Pending, Creating, Starting, Ready, Unhealthy, CrashLoopBackOff, Paused, Stopped, Failed, Terminating;

    /** The phase a status names; null when it names none (not looked at yet) or an unknown one. */
    public static Phase ofStatus(JsonNode status) {
        String name = status == null ? null : status.path("phase").asText(null);
        if (name != null) {
            for (Phase p : values()) {
                if (p.name().equals(name)) {
                    return p;
                }
            }
        }
        return null;
    }
}
