package dev.corral.events;

import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The correlator and the ring: folding, the bound, filters, {@code since}, watches. */
class EventRecorderTest {

    static final ObjectKey WEB = ObjectKey.of(Kind.Relic, "s1", "web");
    static final ObjectKey DB = ObjectKey.of(Kind.Relic, "s1", "db");
    static final ObjectKey BOT = ObjectKey.of(Kind.Agent, null, "bot");

    /** A clock tests move by hand. */
    static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-12-05T09:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final TestClock clock = new TestClock();
    final EventRecorder events = new EventRecorder(5, clock);

    @Test
    void repeatsFoldIntoOneEventThatCountsWithTheLatestMessageAndTimes() {
        events.warning(WEB, "u1", "BackOff", "restarting in 10 s (crash 2 in a row)");
        clock.advance(Duration.ofSeconds(30));
        events.warning(WEB, "u1", "BackOff", "restarting in 20 s (crash 3 in a row)");
        clock.advance(Duration.ofSeconds(30));
        events.warning(WEB, "u1", "BackOff", "restarting in 40 s (crash 4 in a row)");

        List<Event> all = events.list(EventFilter.ALL);
        assertEquals(1, all.size(), all.toString());
        Event e = all.get(0);
        assertEquals(3, e.count());
        assertEquals("restarting in 40 s (crash 4 in a row)", e.message());
        assertEquals(Instant.parse("2026-12-05T09:00:00Z"), e.firstTimestamp());
        assertEquals(Instant.parse("2026-12-05T09:01:00Z"), e.lastTimestamp());
        assertEquals(new InvolvedObject("Relic", "s1", "web", "u1"), e.involvedObject());
    }

    @Test
    void differentObjectUidTypeReasonOrWordsAreDifferentEvents() {
        events.warning(WEB, "u1", "Killed", "container exited with code 1");
        events.warning(WEB, "u2", "Killed", "container exited with code 1");
        events.warning(DB, "u3", "Killed", "container exited with code 1");
        events.normal(WEB, "u1", "Killed", "container exited with code 1");
        events.warning(WEB, "u1", "Killed", "container was OOM-killed");
        assertEquals(5, events.list(EventFilter.ALL).size());
        assertTrue(events.list(EventFilter.ALL).stream().allMatch(e -> e.count() == 1));
    }

    @Test
    void theRingKeepsTheLatestAndARepeatMovesAnEventToTheNewestEnd() {
        for (int i = 0; i < 5; i++) {
            events.normal(ObjectKey.of(Kind.Tool, null, "t" + (char) ('a' + i)), null, "Created", "made");
            clock.advance(Duration.ofSeconds(1));
        }
        events.normal(ObjectKey.of(Kind.Tool, null, "ta"), null, "Created", "made"); // a repeat: ta is now the newest
        events.normal(ObjectKey.of(Kind.Tool, null, "tf"), null, "Created", "made"); // a sixth: the oldest (tb) goes

        List<String> names = events.list(EventFilter.ALL).stream().map(e -> e.involvedObject().name()).toList();
        assertEquals(List.of("tc", "td", "te", "ta", "tf"), names);
        assertEquals(5, events.size());
        // A dropped event is forgotten by the correlator too: it comes back as a new one.
        events.normal(ObjectKey.of(Kind.Tool, null, "tb"), null, "Created", "made");
        Event tb = events.list(EventFilter.ALL).get(4);
        assertEquals("tb", tb.involvedObject().name());
        assertEquals(1, tb.count());
    }

    @Test
    void filtersByKindSessionNameTypeAndSince() {
        events.normal(WEB, "u1", "Started", "started");
        events.warning(DB, "u2", "Killed", "exited with code 1");
        clock.advance(Duration.ofMinutes(10));
        events.normal(BOT, "u3", "Started", "started");

        assertEquals(List.of("web", "db"), names(new EventFilter(Kind.Relic, null, null, null, null)));
        assertEquals(List.of("web", "db"), names(new EventFilter(null, "s1", null, null, null)));
        assertEquals(List.of("bot"), names(new EventFilter(Kind.Agent, null, null, null, null)));
        assertEquals(List.of("db"), names(new EventFilter(null, null, "db", null, null)));
        assertEquals(List.of("db"), names(new EventFilter(null, null, null, EventType.Warning, null)));
        assertEquals(List.of("web", "bot"), names(new EventFilter(null, null, null, EventType.Normal, null)));
        assertEquals(List.of("bot"), names(new EventFilter(null, null, null, null, clock.instant().minusSeconds(60))));
        // since is inclusive, and compares the last time: an old event seen again is recent.
        assertEquals(List.of("bot"), names(new EventFilter(null, null, null, null, clock.instant())));
        events.warning(DB, "u2", "Killed", "exited with code 2");
        assertEquals(List.of("bot", "db"), names(new EventFilter(null, null, null, null, clock.instant())));
    }

    @Test
    void longMessagesAreCut() {
        events.warning(WEB, null, "Failed", "x".repeat(5000));
        assertEquals(EventRecorder.MAX_MESSAGE, events.list(EventFilter.ALL).get(0).message().length());
    }

    @Test
    void aWatchGetsTheMatchingEventsThenEveryMatchingChangeInOrderUntilClosed() {
        events.normal(WEB, "u1", "Started", "started");
        events.normal(BOT, "u3", "Started", "started");
        List<EventRecorder.Change> seen = new ArrayList<>();
        EventRecorder.Watch w = events.watch(new EventFilter(Kind.Relic, null, null, null, null), seen::add);

        events.warning(WEB, "u1", "Killed", "exited with code 137");
        events.warning(WEB, "u1", "Killed", "exited with code 137");
        events.normal(BOT, "u3", "Started", "started"); // not a Relic
        w.close();
        events.warning(WEB, "u1", "Killed", "exited with code 137");

        assertEquals(List.of("ADDED Started 1", "ADDED Killed 1", "MODIFIED Killed 2"), seen.stream()
                .map(c -> c.type() + " " + c.event().reason() + " " + c.event().count()).toList());
        assertEquals(0, events.watching());
    }

    @Test
    void aFailingWatcherIsClosedAndTheEventStillRecorded() {
        events.watch(EventFilter.ALL, c -> {
            throw new IllegalStateException("client gone");
        });
        events.normal(WEB, "u1", "Started", "started");
        assertEquals(1, events.size());
        assertEquals(0, events.watching());
    }

    @Test
    void concurrentRepeatsAreAllCounted() throws Exception {
        EventRecorder big = new EventRecorder(1000, Clock.systemUTC());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch go = new CountDownLatch(1);
        for (int t = 0; t < 4; t++) {
            pool.submit(() -> {
                go.await();
                for (int i = 0; i < 500; i++) {
                    big.warning(WEB, "u1", "Unhealthy", "HTTP probe got 500");
                }
                return null;
            });
        }
        go.countDown();
        pool.shutdown();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        assertEquals(2000, big.list(EventFilter.ALL).get(0).count());
    }

    @Test
    void aRingOfNothingIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new EventRecorder(0, clock));
    }

    private List<String> names(EventFilter f) {
        return events.list(f).stream().map(e -> e.involvedObject().name()).toList();
    }
}
