package dev.corral.containers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.spec.Json;

import java.time.Instant;

/**
 * Builds an object's {@code status}, Kubernetes-style: {@code phase}, {@code message},
 * {@code observedGeneration} and {@code conditions}, whose {@code lastTransitionTime} is kept
 * from the previous status while the condition's status does not change, so an unchanged object
 * produces an identical status (and no write).
 */
public final class StatusBuilder {

    private final ObjectNode previous;
    private final Instant now;
    private final ObjectNode status = Json.MAPPER.createObjectNode();
    private final ArrayNode conditions = Json.MAPPER.createArrayNode();

    public StatusBuilder(ObjectNode previous, Instant now, String phase, String message, long observedGeneration) {
        this.previous = previous;
        this.now = now;
        status.put("phase", phase);
        if (message != null) {
            status.put("message", message);
        }
        put("observedGeneration", observedGeneration);
    }

    public StatusBuilder put(String field, String value) {
        if (value != null) {
            status.put(field, value);
        }
        return this;
    }

    /** Small numbers are stored as ints, as a status read back from disk holds them, so the two compare equal. */
    public StatusBuilder put(String field, long value) {
        if (value == (int) value) {
            status.put(field, (int) value);
        } else {
            status.put(field, value);
        }
        return this;
    }

    public StatusBuilder put(String field, JsonNode value) {
        if (value != null && !value.isNull() && !value.isMissingNode()) {
            status.set(field, value);
        }
        return this;
    }

    /** Adds a condition; {@code status} is {@code True} or {@code False}. */
    public StatusBuilder condition(String type, boolean isTrue, String reason, String message) {
        ObjectNode c = conditions.addObject();
        c.put("type", type);
        c.put("status", isTrue ? "True" : "False");
        if (reason != null) {
            c.put("reason", reason);
        }
        if (message != null) {
            c.put("message", message);
        }
        c.put("lastTransitionTime", transitionTime(type, c.get("status").asText()));
        return this;
    }

    private String transitionTime(String type, String state) {
        if (previous != null) {
            for (JsonNode c : previous.path("conditions")) {
                if (type.equals(c.path("type").asText()) && state.equals(c.path("status").asText())
                        && c.hasNonNull("lastTransitionTime")) {
                    return c.get("lastTransitionTime").asText();
                }
            }
        }
        return now.toString();
    }

    public ObjectNode build() {
        status.set("conditions", conditions);
        return status;
    }

    /** The previous status's value of a field, if any (to carry, e.g., lastTermination forward). */
    public JsonNode previous(String field) {
        return previous == null ? null : previous.get(field);
    }
}
