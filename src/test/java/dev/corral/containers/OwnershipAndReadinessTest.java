package dev.corral.containers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.loop.ObservedState;
import dev.corral.loop.Readiness;
import dev.corral.ownership.Ownership;
import dev.corral.runtime.Labels;
import dev.corral.spec.Json;
import dev.corral.spec.Kind;
import dev.corral.spec.Metadata;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static dev.corral.containers.PlannerTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** {@link Ownership#ownerOf} and {@link Readiness}. */
class OwnershipAndReadinessTest {

    static Map<String, String> labels(String kind, String name, String session) {
        Map<String, String> l = new HashMap<>();
        l.put(Labels.MANAGED, "true");
        if (kind != null) {
            l.put(Labels.KIND, kind);
        }
        if (name != null) {
            l.put(Labels.NAME, name);
        }
        if (session != null) {
            l.put(Labels.SESSION, session);
        }
        return l;
    }

    @Test
    void ownerOfResources() {
        assertEquals(ObjectKey.of(Kind.Relic, "s1", "web"), Ownership.ownerOf(labels("Relic", "web", "s1")));
        assertEquals(ObjectKey.of(Kind.Agent, null, "bot"), Ownership.ownerOf(labels("Agent", "bot", null)));
        assertEquals(ObjectKey.of(Kind.Agent, null, "bot"), Ownership.ownerOf(labels("Agent", "bot", "s1")),
                "a session label on a session-less kind is ignored");
        assertEquals(ObjectKey.of(Kind.Session, null, "s1"), Ownership.ownerOf(labels("Session", "data", "s1")),
                "session volumes and networks belong to the session");
        assertEquals(ObjectKey.of(Kind.ToolRun, null, "r"), Ownership.ownerOf(labels("ToolRun", "r", null)));
        assertEquals(ObjectKey.of(Kind.ToolRun, "s1", "r"), Ownership.ownerOf(labels("ToolRun", "r", "s1")));
    }

    @Test
    void noOwner() {
        assertNull(Ownership.ownerOf(null));
        assertNull(Ownership.ownerOf(Map.of()));
        Map<String, String> unmanaged = labels("Relic", "web", "s1");
        unmanaged.put(Labels.MANAGED, "false");
        assertNull(Ownership.ownerOf(unmanaged));
        assertNull(Ownership.ownerOf(labels("relic", "web", "s1")), "kind is case-sensitive");
        assertNull(Ownership.ownerOf(labels("Bogus", "web", "s1")));
        assertNull(Ownership.ownerOf(labels(null, "web", "s1")));
        assertNull(Ownership.ownerOf(labels("Relic", null, "s1")));
        assertNull(Ownership.ownerOf(labels("Relic", "web", null)), "a relic needs its session");
        assertNull(Ownership.ownerOf(labels("Session", "s1", null)));
    }

    static SpecObject object(Kind kind, Long generation, String status) {
        Metadata md = new Metadata("x", kind == Kind.Relic ? "s1" : null, null, null, "u", generation, 1L, null, null,
                null);
        ObjectNode s = status == null ? null : json(status);
        return new SpecObject(SpecObject.API_VERSION, kind, md, Json.MAPPER.createObjectNode(), s);
    }

    /** As the loop asks it: each kind's reconciler answers (Tools are templates, runs by phase, the rest by status). */
    static Readiness.Outcome readiness(SpecObject o) {
        return switch (o.kind()) {
            case Tool -> Readiness.Outcome.Ready;
            case ToolRun -> dev.corral.runs.RunReconciler.readinessOf(o);
            default -> Readiness.ofPhase(o);
        };
    }

    @Test
    void readiness() {
        assertEquals(Readiness.Outcome.Ready, readiness(object(Kind.Relic, 2L,
                "{\"phase\": \"Ready\", \"observedGeneration\": 2}")));
        assertEquals(Readiness.Outcome.Failed, readiness(object(Kind.Relic, 2L,
                "{\"phase\": \"Failed\", \"observedGeneration\": 3}")));
        assertEquals(Readiness.Outcome.Stopped, readiness(object(Kind.Agent, 1L,
                "{\"phase\": \"Stopped\", \"observedGeneration\": 1}")));
        assertEquals(Readiness.Outcome.Waiting, readiness(object(Kind.Relic, 2L,
                "{\"phase\": \"Ready\", \"observedGeneration\": 1}")), "status of an older generation");
        assertEquals(Readiness.Outcome.Waiting, readiness(object(Kind.Relic, 2L, "{\"phase\": \"Ready\"}")));
        assertEquals(Readiness.Outcome.Waiting, readiness(object(Kind.Relic, 2L,
                "{\"phase\": \"CrashLoopBackOff\", \"observedGeneration\": 2}")));
        assertEquals(Readiness.Outcome.Waiting, readiness(object(Kind.Relic, 2L, null)));
        assertEquals(Readiness.Outcome.Waiting, readiness(object(Kind.Session, 1L, "{}")));
        assertEquals(Readiness.Outcome.Ready, readiness(object(Kind.Session, null,
                "{\"phase\": \"Ready\", \"observedGeneration\": 0}")));
        assertEquals(Readiness.Outcome.Ready, readiness(object(Kind.Tool, 5L, null)), "tools are templates");
        assertEquals(Readiness.Outcome.Waiting, readiness(object(Kind.ToolRun, 1L, null)), "a run not started yet");
        assertEquals(Readiness.Outcome.Waiting, readiness(object(Kind.ToolRun, 1L, "{\"phase\": \"Running\"}")));
        assertEquals(Readiness.Outcome.Ready, readiness(object(Kind.ToolRun, 1L, "{\"phase\": \"Succeeded\"}")));
        assertEquals(Readiness.Outcome.Failed, readiness(object(Kind.ToolRun, 1L, "{\"phase\": \"TimedOut\"}")));
    }
}
