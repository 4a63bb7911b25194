package dev.corral.runtime;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Applies a {@link LogRequest}'s times to the nanosecond, and its tail where the engine cannot.
 * The engine takes {@code since} and {@code until} in whole seconds and applies {@code tail}
 * before them (the last lines of the whole log, then cut), so a read with a time asks the
 * engine for the whole seconds around it and keeps the last lines here.
 */
final class LogWindow {

    private final LogRequest request;
    private final ArrayDeque<LogLine> last;

    LogWindow(LogRequest request) {
        this.request = request;
        this.last = tailHere(request) ? new ArrayDeque<>() : null;
    }

    /** Whether the tail is kept here rather than by the engine (which would take it before the times). */
    static boolean tailHere(LogRequest r) {
        return r.tail() != null && (r.since() != null || r.until() != null);
    }

    /** The {@code since} to give the engine: the whole second at or before it. */
    static Integer engineSince(LogRequest r) {
        return r.since() == null ? null : (int) Math.max(1, r.since().getEpochSecond());
    }

    /** The {@code until} to give the engine: the whole second after it. */
    static Integer engineUntil(LogRequest r) {
        return r.until() == null ? null : (int) (r.until().getEpochSecond() + 1);
    }

    void offer(LogLine line, Consumer<LogLine> out) {
        Instant t = line.time();
        if (t != null && request.until() != null && !t.isBefore(request.until())) {
            return;
        }
        if (!inSince(line)) {
            return;
        }
        if (last != null) {
            last.addLast(line);
            if (last.size() > request.tail()) {
                last.removeFirst();
            }
            return;
        }
        out.accept(line);
    }

    /** At the end of a read: the kept tail, if this window keeps one. */
    void finish(Consumer<LogLine> out) {
        if (last != null) {
            while (!last.isEmpty()) {
                out.accept(last.removeFirst());
            }
        }
    }

    private boolean inSince(LogLine line) {
        return line.time() == null || request.since() == null || !line.time().isBefore(request.since());
    }
}
