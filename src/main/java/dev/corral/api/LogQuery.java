package dev.corral.api;

import io.vertx.core.MultiMap;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The query of {@code GET /specs/{kind}/[{session}/]{name}/logs}, parsed strictly: a bad value is
 * a 400 naming the parameter.
 *
 * @param follow     stream lines as they are written, across restarts, until the object is deleted
 * @param tail       the last this many lines only; null: all
 * @param since      lines written at or after this time only; null: all
 * @param timestamps prefix each server-sent line with its time
 * @param previous   the container's output before its current start (its run before the last restart)
 */
record LogQuery(boolean follow, Integer tail, Instant since, boolean timestamps, boolean previous) {

    static final int MAX_TAIL = 100_000;

    /** {@code 90s}, {@code 5m}, {@code 1h30m}, {@code 500ms}: Go's duration units from ms to h. */
    private static final Pattern DURATION = Pattern.compile("(?:\\d{1,9}(?:ms|s|m|h))+");
    private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    static LogQuery of(MultiMap params, Instant now) {
        boolean follow = flag(params, "follow");
        boolean previous = flag(params, "previous");
        if (follow && previous) {
            throw ApiException.badRequest("previous and follow cannot be combined: the previous run has ended");
        }
        return new LogQuery(follow, tail(params.get("tail")), since(params.get("since"), now),
                flag(params, "timestamps"), previous);
    }

    private static boolean flag(MultiMap params, String name) {
        return params.contains(name) && Flags.of(name, params.get(name));
    }

    static Integer tail(String s) {
        if (s == null || s.isBlank() || s.trim().equals("all")) {
            return null;
        }
        try {
            int n = Integer.parseInt(s.trim());
            if (n >= 0 && n <= MAX_TAIL) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("tail must be a number of lines from 0 to " + MAX_TAIL + " (or all), not \""
                + shown(s) + "\"");
    }

    /** An RFC 3339 time ({@code 2026-12-05T09:00:00Z}), or a duration before {@code now} ({@code 5m}). */
    static Instant since(String s, Instant now) {
        if (s == null || s.isBlank()) {
            return null;
        }
        String v = s.trim();
        if (DURATION.matcher(v).matches()) {
            Duration d = Duration.ZERO;
            Matcher m = PART.matcher(v);
            while (m.find()) {
                long n = Long.parseLong(m.group(1));
                d = d.plus(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                });
            }
            return now.minus(d);
        }
        try {
            // An unencoded "+01:00" arrives as " 01:00" (a + in a query is a space).
            return OffsetDateTime.parse(v.replace(' ', '+')).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("since must be an RFC 3339 time (2026-12-05T09:00:00Z) or a duration"
                    + " before now (90s, 5m, 1h30m), not \"" + shown(s) + "\"");
        }
    }

    private static String shown(String s) {
        return s.length() <= 32 ? s : s.substring(0, 29) + "...";
    }
}
