package dev.corral.containers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.spec.Json;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class StatusBuilderTest {

    static final Instant T1 = Instant.parse("2024-05-01T12:00:00Z");
    static final Instant T2 = T1.plusSeconds(60);
    static final Instant T3 = T1.plusSeconds(120);

    static ObjectNode status(ObjectNode previous, Instant now, boolean ready, String message) {
        return new StatusBuilder(previous, now, ready ? "Ready" : "Starting", message, 3)
                .condition("Ready", ready, ready ? "Ready" : "Starting", ready ? null : message)
                .put("containerId", "abc")
                .put("restarts", 2)
                .build();
    }

    static String transition(ObjectNode status, String type) {
        for (var c : status.path("conditions")) {
            if (type.equals(c.path("type").asText())) {
                return c.path("lastTransitionTime").asText();
            }
        }
        throw new AssertionError("no condition " + type + " in " + status);
    }

    @Test
    void shape() throws Exception {
        ObjectNode s = status(null, T1, false, "waiting");
        assertEquals(Json.MAPPER.readTree("""
                {"phase": "Starting", "message": "waiting", "observedGeneration": 3,
                 "containerId": "abc", "restarts": 2,
                 "conditions": [{"type": "Ready", "status": "False", "reason": "Starting", "message": "waiting",
                                 "lastTransitionTime": "2024-05-01T12:00:00Z"}]}""").toString(), s.toString());
    }

    @Test
    void transitionTimeIsKeptWhileStatusIsUnchanged() {
        ObjectNode first = status(null, T1, true, null);
        assertEquals(T1.toString(), transition(first, "Ready"));
        ObjectNode second = status(first, T2, true, null);
        assertEquals(T1.toString(), transition(second, "Ready"));
        ObjectNode third = status(second, T3, true, null);
        assertEquals(T1.toString(), transition(third, "Ready"));
    }

    @Test
    void transitionTimeIsKeptWhenOnlyTheMessageChanges() {
        ObjectNode first = status(null, T1, false, "pulling image");
        ObjectNode second = status(first, T2, false, "waiting for the health probe");
        assertEquals(T1.toString(), transition(second, "Ready"));
        assertNotEquals(first, second);
    }

    @Test
    void transitionTimeIsReplacedWhenStatusFlips() {
        ObjectNode starting = status(null, T1, false, "waiting");
        ObjectNode ready = status(starting, T2, true, null);
        assertEquals(T2.toString(), transition(ready, "Ready"));
        ObjectNode failing = status(ready, T3, false, "probe failed");
        assertEquals(T3.toString(), transition(failing, "Ready"), "not the old False time");
    }

    @Test
    void identicalInputsGiveEqualStatus() {
        ObjectNode first = status(null, T1, true, null);
        ObjectNode again = status(first, T2, true, null);
        assertEquals(first, again);
        assertEquals(first.toString(), again.toString());
        ObjectNode once = status(null, T1, false, "waiting");
        assertEquals(once, status(null, T1, false, "waiting"));
    }

    @Test
    void identicalInputsGiveEqualStatusAfterAStoreRoundTrip() throws Exception {
        // The stored status comes back parsed from JSON text, as after a restart.
        ObjectNode first = status(null, T1, true, null);
        ObjectNode stored = (ObjectNode) Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(first));
        ObjectNode again = status(stored, T2, true, null);
        assertEquals(T1.toString(), transition(again, "Ready"));
        assertEquals(stored.toString(), again.toString());
    }

    @Test
    void identicalInputsGiveAnEqualObjectNodeAfterAStoreRoundTrip() throws Exception {
        ObjectNode first = status(null, T1, true, null);
        ObjectNode stored = (ObjectNode) Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(first));
        assertEquals(stored, status(stored, T2, true, null));
    }

    @Test
    void conditionsAreTrackedPerType() {
        ObjectNode first = new StatusBuilder(null, T1, "Ready", null, 1)
                .condition("Ready", true, "Ready", null)
                .condition("NetworkReady", true, "Created", null)
                .build();
        ObjectNode second = new StatusBuilder(first, T2, "Ready", null, 1)
                .condition("Ready", true, "Ready", null)
                .condition("NetworkReady", false, "Gone", "removed")
                .build();
        assertEquals(T1.toString(), transition(second, "Ready"));
        assertEquals(T2.toString(), transition(second, "NetworkReady"));
    }

    @Test
    void previousWithoutTransitionTimeGetsNow() throws Exception {
        ObjectNode previous = (ObjectNode) Json.MAPPER.readTree("""
                {"phase": "Ready", "conditions": [{"type": "Ready", "status": "True"}]}""");
        assertEquals(T2.toString(), transition(status(previous, T2, true, null), "Ready"));
    }

    @Test
    void nullsAreLeftOut() {
        ObjectNode s = new StatusBuilder(null, T1, "Ready", null, 0)
                .put("internalUrl", (String) null)
                .put("lastTermination", (com.fasterxml.jackson.databind.JsonNode) null)
                .put("other", Json.MAPPER.nullNode())
                .put("missing", Json.MAPPER.missingNode())
                .condition("Ready", true, null, null)
                .build();
        assertFalse(s.has("message"));
        assertFalse(s.has("internalUrl"));
        assertFalse(s.has("lastTermination"));
        assertFalse(s.has("other"));
        assertFalse(s.has("missing"));
        assertFalse(s.get("conditions").get(0).has("reason"));
        assertFalse(s.get("conditions").get(0).has("message"));
    }

    @Test
    void previousField() {
        ObjectNode first = new StatusBuilder(null, T1, "Failed", null, 1)
                .put("lastTermination", Json.MAPPER.createObjectNode().put("exitCode", 1)).build();
        StatusBuilder next = new StatusBuilder(first, T2, "Failed", null, 1);
        assertEquals(1, next.previous("lastTermination").path("exitCode").asInt());
        assertNull(next.previous("nope"));
        assertNull(new StatusBuilder(null, T2, "Ready", null, 1).previous("lastTermination"));
    }
}
