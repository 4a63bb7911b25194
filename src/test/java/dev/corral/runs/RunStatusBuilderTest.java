package dev.corral.runs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.spec.Json;
import dev.corral.spec.SpecObject;
import dev.corral.spec.model.RunPhase;
import dev.corral.spec.model.ToolRunSpec;
import dev.corral.spec.model.ToolSpec;
import org.junit.jupiter.api.Test;


import static dev.corral.runs.RunFixtures.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The run status as JSON, exactly as clients have always read it, and the typed specs it is made from. */
class RunStatusBuilderTest {

    static final SpecObject RUN = RunFixtures.stored(RunFixtures.run("r1",
            "{\"language\": \"bash\", \"code\": \"echo hi\"}"), null);

    static String json(RunStatusBuilder b) {
        return b.build().toString();
    }

    @Test
    void aColdStartThenItsContainer() {
        RunStatusBuilder b = RunStatusBuilder.of(RUN).running(NOW, 60, 3600).container("c1");
        assertEquals("{\"phase\":\"Running\",\"observedGeneration\":1,\"startedAt\":\"2024-05-01T12:00:00Z\","
                + "\"timeoutSeconds\":60,\"ttlSecondsAfterFinished\":3600,\"containerId\":\"c1\"}", json(b));
        assertEquals(new RunStatus(RunPhase.RUNNING, NOW, null, 60L, 3600L, "c1", false, null), b.typed());
    }

    @Test
    void aWarmStartNamesItsPooledContainer() {
        RunStatusBuilder b = RunStatusBuilder.of(RUN).running(NOW, 5, 0).container("w1").pooled();
        assertEquals("{\"phase\":\"Running\",\"observedGeneration\":1,\"startedAt\":\"2024-05-01T12:00:00Z\","
                + "\"timeoutSeconds\":5,\"ttlSecondsAfterFinished\":0,\"containerId\":\"w1\",\"pooled\":true}", json(b));
        assertEquals("w1", b.typed().pooledContainer());
    }

    @Test
    void pendingKeepsTheRestAndPendingAgainStartsOver() {
        RunStatusBuilder b = RunStatusBuilder.of(RUN).pending("waiting for a free run slot (4 running)");
        assertEquals("{\"phase\":\"Pending\",\"message\":\"waiting for a free run slot (4 running)\","
                + "\"observedGeneration\":1}", json(b));
        b.running(NOW, 60, 3600).container("w1").pooled().pendingAgain("it stopped; trying again");
        assertEquals("{\"phase\":\"Pending\",\"observedGeneration\":1,\"message\":\"it stopped; trying again\"}", json(b));
    }

    @Test
    void aRunEndedBeforeItStartedRecordsItsTtlAndNoDuration() {
        RunStatusBuilder b = RunStatusBuilder.of(RUN).finished(RunPhase.CANCELLED, "cancelled before it started", null,
                NOW, 3600);
        assertEquals("{\"phase\":\"Cancelled\",\"observedGeneration\":1,\"finishedAt\":\"2024-05-01T12:00:00Z\","
                + "\"message\":\"cancelled before it started\",\"ttlSecondsAfterFinished\":3600}", json(b));
    }

    @Test
    void aKilledRunSaysWhyUntilCollectedAndSucceededHasNoMessage() {
        RunStatusBuilder b = RunStatusBuilder.of(RUN).running(NOW, 60, 120).container("c1")
                .terminating(RunPhase.TIMED_OUT);
        assertEquals(RunPhase.TIMED_OUT, b.typed().terminating());
        ObjectNode s = b.collected(0L, NOW, new dev.corral.runtime.Logs("out", false, "err", true), "err", null, null,
                null).finished(RunPhase.SUCCEEDED, null, NOW, NOW.plusMillis(1500), 7).build();
        assertTrue(!s.has("terminating") && !s.has("message"));
        assertEquals(1500, s.get("durationMs").asLong());
        assertEquals(120, s.get("ttlSecondsAfterFinished").asLong(), "the TTL recorded at the start stays");
        assertEquals("{\"stdout\":false,\"stderr\":true,\"files\":false}", s.get("truncated").toString());
    }

    @Test
    void phasesKeepTheirJsonValues() {
        assertEquals("TimedOut", RunPhase.TIMED_OUT.json());
        assertEquals("OOMKilled", RunPhase.OOM_KILLED.json());
        assertEquals(RunPhase.PENDING, RunPhase.of("Pending"));
        assertNull(RunPhase.of(null));
        assertTrue(RunPhase.CANCELLED.finished() && !RunPhase.RUNNING.finished());
    }

    @Test
    void aToolSpecIsReadFromTheSchemasDefaults() {
        ToolSpec t = ToolSpec.of(RunFixtures.tool("t", "{\"image\": \"busybox:1\"}").spec());
        assertEquals(new ToolSpec("busybox:1", java.util.List.of(), java.util.Map.of(),
                new dev.corral.spec.model.Resources(256, 0.5, 256), 60, false, 3600, "IfNotPresent", dev.corral.spec.model.PoolBounds.NONE,
                dev.corral.spec.model.Isolation.standard, dev.corral.spec.model.LogLimits.DEFAULT,
                dev.corral.spec.model.SecurityProfiles.DEFAULTS), t);
        assertThrows(IllegalArgumentException.class, () -> ToolSpec.of(Json.MAPPER.createObjectNode()
                .put("image", "busybox:1")), "a spec the schema did not default is refused, not guessed at");
    }

    @Test
    void aRunTakesWhatItLeavesOutFromItsTool() {
        ToolSpec tool = ToolSpec.of(RunFixtures.tool("t", "{\"image\": \"busybox:1\", \"ttlSecondsAfterFinished\": 5}")
                .spec());
        ToolRunSpec run = ToolRunSpec.of(RunFixtures.run("r", "{\"tool\": \"t\"}").spec());
        assertEquals(5, run.ttlSeconds(tool));
        assertEquals(ToolRunSpec.DEFAULT_TTL_SECONDS, ToolRunSpec.of(RUN.spec()).ttlSeconds(null));
        assertEquals(9, ToolRunSpec.of(RunFixtures.run("r", "{\"tool\": \"t\", \"ttlSecondsAfterFinished\": 9}").spec())
                .ttlSeconds(tool));
    }
}
