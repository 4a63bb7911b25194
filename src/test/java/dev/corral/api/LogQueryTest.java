package dev.corral.api;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The query of the logs endpoint: strict, and a 400 names the parameter. */
class LogQueryTest {

    private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

    private static LogQuery of(String... pairs) {
        MultiMap m = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < pairs.length; i += 2) {
            m.add(pairs[i], pairs[i + 1]);
        }
        return LogQuery.of(m, NOW);
    }

    @Test
    void defaultsReadEverythingOnce() {
        assertEquals(new LogQuery(false, null, null, false, false), of());
    }

    @Test
    void flagsTailAndSince() {
        LogQuery q = of("follow", "", "tail", "3", "timestamps", "1", "since", "2026-12-05T09:00:00.5Z");
        assertTrue(q.follow());
        assertTrue(q.timestamps());
        assertEquals(3, q.tail());
        assertEquals(Instant.parse("2026-12-05T09:00:00.500Z"), q.since());
        assertNull(of("tail", "all").tail());
        assertEquals(0, of("tail", "0").tail());
    }

    @Test
    void sinceTakesADurationBeforeNowOrAnOffsetTime() {
        assertEquals(NOW.minusSeconds(300), of("since", "5m").since());
        assertEquals(NOW.minusSeconds(5400).minusMillis(250), of("since", "1h30m250ms").since());
        // An unencoded + in a query is a space.
        assertEquals(Instant.parse("2026-12-05T08:00:00Z"), of("since", "2026-12-05T09:00:00 01:00").since());
    }

    @Test
    void badValuesAre400NamingTheParameter() {
        for (String[] bad : new String[][]{{"tail", "-1"}, {"tail", "three"}, {"tail", "100001"}, {"since", "yesterday"},
                {"since", "5"}, {"since", "2026-13-01T00:00:00Z"}, {"follow", "maybe"}, {"previous", "yes"}}) {
            ApiException e = assertThrows(ApiException.class, () -> of(bad[0], bad[1]), bad[0] + "=" + bad[1]);
            assertEquals(400, e.status());
            assertTrue(e.getMessage().startsWith(bad[0]), e.getMessage());
        }
    }

    @Test
    void previousCannotBeFollowed() {
        ApiException e = assertThrows(ApiException.class, () -> of("previous", "true", "follow", "true"));
        assertEquals(400, e.status());
        assertFalse(of("previous", "true").follow());
    }
}
