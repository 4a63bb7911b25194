package dev.corral.api;

import dev.corral.spec.Kind;
import dev.corral.spec.Metadata;
import dev.corral.spec.SpecObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The strict readers of headers and query parameters: flags, timeouts and If-Match. */
class RequestParsingTest {

    private static SpecObject at(long rv) {
        return new SpecObject(SpecObject.API_VERSION, Kind.Tool,
                new Metadata("t", null, null, null, "u", 1L, rv, null, null, "api"), null, null);
    }

    private static int status(Runnable r) {
        return assertThrows(ApiException.class, r::run).status();
    }

    @Test
    void flagsAreTrueFalseOneZeroOrBare() {
        assertTrue(Flags.of("dryRun", "true"));
        assertTrue(Flags.of("dryRun", "1"));
        assertTrue(Flags.of("dryRun", ""));
        assertFalse(Flags.of("dryRun", "false"));
        assertFalse(Flags.of("dryRun", "0"));
        assertFalse(Flags.of("dryRun", null));
        for (String bad : new String[]{"maybe", "TRUE ", "yes", "on", "2", "tru"}) {
            if (!bad.trim().equals("TRUE")) {
                ApiException e = assertThrows(ApiException.class, () -> Flags.of("dryRun", bad));
                assertEquals(400, e.status());
                assertTrue(e.getMessage().startsWith("dryRun must be true or false"), e.getMessage());
            }
        }
        assertEquals(400, status(() -> Flags.of("wait", "TRUE")));
    }

    @Test
    void timeoutsNeverOverflow() {
        assertEquals(Duration.ofSeconds(60), WaitTimeout.parse(null));
        assertEquals(Duration.ofMillis(500), WaitTimeout.parse("500ms"));
        assertEquals(Duration.ofMinutes(10), WaitTimeout.parse("10m"));
        assertEquals(Duration.ofSeconds(7), WaitTimeout.parse("7"));
        for (String bad : new String[]{"999999999999999999m", "99999999999999999999999ms", "11m", "-1s", "1h", "5 s", "x"}) {
            assertEquals(400, status(() -> WaitTimeout.parse(bad)), bad);
        }
    }

    @Test
    void ifMatchFollowsRfc9110() {
        SpecObject cur = at(42);
        assertEquals(42, IfMatch.parse("\"42\"").require(cur, "t"));
        assertEquals(42, IfMatch.parse("\"7\", \"42\"").require(cur, "t"));
        assertEquals(42, IfMatch.parse("*").require(cur, "t"));
        assertEquals(412, status(() -> IfMatch.parse("*").require(null, "t")));
        assertEquals(412, status(() -> IfMatch.parse("\"42\"").require(null, "t")));
        // A weak tag never matches a write; look-alikes of the version do not match it.
        for (String noMatch : new String[]{"W/\"42\"", "\"042\"", "\"+42\"", "\"4\"", "\"43\""}) {
            assertEquals(412, status(() -> IfMatch.parse(noMatch).require(cur, "t")), noMatch);
        }
        // Malformed: empty, blank, bare, unquoted, unterminated, garbage after a tag.
        for (String bad : new String[]{"", "  ", "42", "W/42", "\"42", "\"42\"x", "**", ",", "\"4 2\""}) {
            assertEquals(400, status(() -> IfMatch.parse(bad)), "'" + bad + "'");
        }
    }
}
