package dev.corral.api;

import dev.corral.events.EventFilter;
import dev.corral.events.EventType;
import dev.corral.spec.Kind;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The filters of {@code GET /events}: {@code kind}, {@code session}, {@code name}, {@code type}
 * and {@code since}, each refused with a 400 that names it when its value makes no sense (a filter
 * that silently matched nothing would look like "no events").
 */
final class EventQuery {

    /** {@code 90s}, {@code 5m}, {@code 2h}, {@code 1d}, {@code 500ms}; at most 9 digits, so it never overflows. */
    private static final Pattern AGO = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    private EventQuery() {
    }

    static EventFilter filter(String kind, String session, String name, String type, String since, Instant now) {
        return new EventFilter(kind(kind), blankToNull(session), blankToNull(name), type(type), since(since, now));
    }

    /** A kind as in paths ({@code relic}) or as in specs ({@code Relic}). */
    static Kind kind(String kind) {
        if (kind == null || kind.isBlank()) {
            return null;
        }
        return Kind.ofPathName(kind.trim()).or(() -> Kind.ofSpecName(kind.trim())).orElseThrow(() ->
                ApiException.badRequest("kind must be session, relic, agent, tool or toolrun, not " + shown(kind)));
    }

    static EventType type(String type) {
        if (type == null || type.isBlank()) {
            return null;
        }
        for (EventType t : EventType.values()) {
            if (t.name().equalsIgnoreCase(type.trim())) {
                return t;
            }
        }
        throw ApiException.badRequest("type must be Normal or Warning, not " + shown(type));
    }

    /** An RFC 3339 time ({@code 2026-12-05T09:00:00Z}) or a duration back from now ({@code 5m}). */
    static Instant since(String since, Instant now) {
        if (since == null || since.isBlank()) {
            return null;
        }
        String v = since.trim();
        Matcher m = AGO.matcher(v);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return now.minus(d);
        }
        try {
            // An unencoded '+' of an offset arrives as a space.
            return OffsetDateTime.parse(v.replace(' ', '+').toUpperCase(Locale.ROOT)).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("since must be an RFC 3339 time such as 2026-12-05T09:00:00Z or a duration "
                    + "such as 90s, 5m, 2h or 1d, not " + shown(since));
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String shown(String s) {
        return "\"" + (s.length() <= 32 ? s : s.substring(0, 29) + "...") + "\"";
    }
}
