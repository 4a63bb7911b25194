package dev.corral.runs;

import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunTimingsTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final RunTimings timings = new RunTimings(meters);
    private final ObjectKey run = ObjectKey.of(Kind.ToolRun, null, "r1");

    private long count(String stage) {
        return meters.get("corral_run_stage_seconds").tag("stage", stage).timer().count();
    }

    @Test
    void anAwaitedRunIsMeasuredWhenAnsweredWithEveryStageInOrder() {
        timings.admitted(run, System.nanoTime() - 1_000_000, true);
        for (RunTimings.Mark m : List.of(RunTimings.Mark.PICKED, RunTimings.Mark.GIVEN, RunTimings.Mark.REPORTED,
                RunTimings.Mark.COLLECTED)) {
            timings.mark(run, m);
        }
        assertEquals(0, count("collect"), "kept for its answer");
        String header = timings.answered(run);
        List<String> names = Arrays.stream(header.split(", ")).map(p -> p.substring(0, p.indexOf(';'))).toList();
        assertEquals(List.of("admission", "queue", "handOver", "command", "collect", "record", "total"), names);
        assertTrue(header.matches(".*admission;dur=(0\\.9|1\\.|[1-9]).*"), "admission took about a millisecond: " + header);
        assertEquals(1, count("record"));
        assertNull(timings.answered(run), "answered once");
    }

    @Test
    void aSecondMarkDoesNotMoveTheFirstAndARunNobodyWaitsForIsMeasuredWhenCollected() {
        timings.mark(run, RunTimings.Mark.PICKED);
        timings.mark(run, RunTimings.Mark.GIVEN);
        timings.mark(run, RunTimings.Mark.REPORTED);
        timings.mark(run, RunTimings.Mark.REPORTED);
        timings.mark(run, RunTimings.Mark.COLLECTED);
        assertEquals(1, count("command"));
        assertEquals(0, count("admission"), "not through the API");
        assertEquals(0, count("record"));
        assertNull(timings.answered(run), "nothing kept after its collection");
    }

    @Test
    void aForgottenRunIsNotMeasured() {
        timings.admitted(run, System.nanoTime(), true);
        timings.forget(run);
        assertNull(timings.answered(run));
    }
}
