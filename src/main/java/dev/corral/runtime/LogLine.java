package dev.corral.runtime;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * One line a container wrote, as the engine's log keeps it.
 *
 * @param stream "stdout" or "stderr"
 * @param time   when the engine received it; null if the engine gave no readable time
 * @param text   the line without its newline
 */
public record LogLine(String stream, Instant time, String text) {

    /**
     * The lines of one frame of a log read with timestamps: each line is
     * {@code <RFC 3339 time> <text>}. A line without a readable time (a frame cut inside a long
     * line) takes the time of the line before it.
     */
    public static List<LogLine> parse(String stream, String payload) {
        List<LogLine> lines = new ArrayList<>(1);
        Instant last = null;
        int start = 0;
        while (start < payload.length()) {
            int end = payload.indexOf('\n', start);
            String raw = payload.substring(start, end < 0 ? payload.length() : end);
            start = end < 0 ? payload.length() : end + 1;
            int space = raw.indexOf(' ');
            Instant time = space > 0 ? time(raw.substring(0, space)) : null;
            if (time != null) {
                last = time;
                raw = raw.substring(space + 1);
            }
            lines.add(new LogLine(stream, time != null ? time : last, raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw));
        }
        return lines;
    }

    private static Instant time(String s) {
        if (s.length() < 20 || s.charAt(4) != '-' || s.charAt(10) != 'T') {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
