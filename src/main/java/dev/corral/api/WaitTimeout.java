package dev.corral.api;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses {@code ?timeout=} of {@code wait=true}: {@code 60s}, {@code 500ms}, {@code 2m} or plain seconds. */
final class WaitTimeout {

    static final Duration DEFAULT = Duration.ofSeconds(60);
    static final Duration MAX = Duration.ofMinutes(10);

    /** At most 9 digits: any larger value is over MAX whatever its unit, and never overflows a long of nanoseconds. */
    private static final Pattern FORM = Pattern.compile("(\\d{1,9})(ms|s|m)?");

    private WaitTimeout() {
    }

    static Duration parse(String s) {
        if (s == null || s.isBlank()) {
            return DEFAULT;
        }
        String v = s.trim();
        Matcher m = FORM.matcher(v);
        if (!m.matches()) {
            if (v.matches("\\d+(ms|s|m)?")) {
                throw outOfRange(s);
            }
            throw ApiException.badRequest("timeout must be a duration like 60s, 500ms or 2m, not " + shown(s));
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        Duration d = switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofSeconds(n);
        };
        if (d.compareTo(MAX) > 0) {
            throw outOfRange(s);
        }
        return d;
    }

    private static ApiException outOfRange(String s) {
        return ApiException.badRequest("timeout must be between 0 and " + MAX.toMinutes() + "m, not " + shown(s));
    }

    private static String shown(String s) {
        return s.length() <= 32 ? s : s.substring(0, 29) + "...";
    }
}
