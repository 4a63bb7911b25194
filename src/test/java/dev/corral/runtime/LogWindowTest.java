package dev.corral.runtime;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Lines of the engine's log with timestamps, the exact cut of since, until and tail, and where a run begins. */
class LogWindowTest {

    private static final Instant T0 = Instant.parse("2026-12-05T09:00:00.100000000Z");

    @Test
    void aFrameIsSplitIntoLinesWithTheirTimes() {
        List<LogLine> lines = LogLine.parse("stdout",
                "2026-12-05T09:00:00.123456789Z hello world\n2026-12-05T09:00:01Z second\r\n");
        assertEquals(List.of(new LogLine("stdout", Instant.parse("2026-12-05T09:00:00.123456789Z"), "hello world"),
                new LogLine("stdout", Instant.parse("2026-12-05T09:00:01Z"), "second")), lines);
    }

    @Test
    void aLineWithoutATimeKeepsItsTextWhole() {
        List<LogLine> lines = LogLine.parse("stderr", "2026-12-05T09:00:00Z a\ncontinued 2026 text");
        assertEquals(new LogLine("stderr", Instant.parse("2026-12-05T09:00:00Z"), "continued 2026 text"), lines.get(1));
        assertNull(LogLine.parse("stdout", "no time here").get(0).time());
        assertEquals("no time here", LogLine.parse("stdout", "no time here").get(0).text());
        assertEquals(List.of(new LogLine("stdout", T0, "")), LogLine.parse("stdout", T0 + " \n"));
    }

    @Test
    void sinceAndUntilCutToTheNanosecond() {
        LogRequest r = new LogRequest(false, null, T0.plusMillis(100), T0.plusMillis(300));
        assertEquals(List.of("b", "c"), texts(r, 0, 100, 200, 300, 400));
        // The engine is asked in whole seconds around them.
        assertEquals((int) T0.getEpochSecond(), LogWindow.engineSince(r));
        assertEquals((int) T0.getEpochSecond() + 1, LogWindow.engineUntil(r));
    }

    @Test
    void withATimeTheTailIsKeptHereAndCountsOnlyLinesWithinTheTimes() {
        // The engine would take the last lines of the whole log and then cut them at until: nothing.
        LogRequest previous = new LogRequest(false, 2, null, T0.plusMillis(300));
        assertEquals(List.of("b", "c"), texts(previous, 0, 100, 200, 300, 400));
        LogRequest since = new LogRequest(false, 2, T0.plusMillis(150), null);
        assertEquals(List.of("d", "e"), texts(since, 0, 100, 200, 300, 400));
        LogRequest both = new LogRequest(false, 3, T0.plusMillis(150), T0.plusMillis(400));
        assertEquals(List.of("c", "d"), texts(both, 0, 100, 200, 300, 400, 500));
        assertEquals(List.of(), texts(new LogRequest(false, 0, T0, null), 0, 100));
        // Without a time the engine applies the tail itself: every line it sends passes.
        assertEquals(List.of("a", "b", "c"), texts(new LogRequest(true, 1, null, null), 0, 100, 200));
        // A followed read cannot know its last lines before it ends.
        assertThrows(IllegalArgumentException.class, () -> new LogRequest(true, 3, T0, null));
    }

    @Test
    void theCurrentRunBeginsAtTheLastExitOfARestartedContainer() {
        Instant start = T0.plusSeconds(10);
        assertNull(details(start, null).currentRunFrom(), "never ended: the whole log is this run");
        assertEquals(T0, details(start, T0).currentRunFrom(), "restarted in place: after its last exit");
        assertEquals(start, details(start, start.plusSeconds(5)).currentRunFrom(), "stopped now: its last start");
        assertNull(details(null, null).currentRunFrom());
    }

    private static ContainerDetails details(Instant startedAt, Instant finishedAt) {
        return new ContainerDetails("id", "name", java.util.Map.of(), finishedAt == null || finishedAt.isBefore(startedAt),
                null, false, null, startedAt, finishedAt, java.util.Map.of());
    }

    /** Lines a, b, c... at T0 plus each offset in ms, through a window. */
    private static List<String> texts(LogRequest r, int... offsets) {
        LogWindow w = new LogWindow(r);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < offsets.length; i++) {
            w.offer(new LogLine("stdout", T0.plusMillis(offsets[i]), String.valueOf((char) ('a' + i))), l -> out.add(l.text()));
        }
        w.finish(l -> out.add(l.text()));
        return out;
    }
}
