package dev.corral.api;

import java.time.Duration;

/** Parses {@code ?timeout=} of {@code wait=true}: {@code 60s}, {@code 500ms}, {@code 2m} or plain seconds. */
final class WaitTimeout {

    static final Duration DEFAULT = Duration.ofSeconds(60);
    static final Duration MAX = Duration.ofMinutes(10);

    private WaitTimeout() {
    }

    static Duration parse(String s) {
        if (s == null || s.isBlank()) {
            return DEFAULT;
        }
        String v = s.trim();
        Duration d;
        try {
            if (v.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            } else if (v.endsWith("s")) {
                d = Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
            } else if (v.endsWith("m")) {
                d = Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
            } else {
                d = Duration.ofSeconds(Long.parseLong(v));
            }
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("timeout must be a duration like 60s, 500ms or 2m, not " + s);
        }
        if (d.isNegative() || d.compareTo(MAX) > 0) {
            throw ApiException.badRequest("timeout must be between 0 and " + MAX.toMinutes() + "m, not " + s);
        }
        return d;
    }
}
