package dev.corral.loop;

import java.time.Duration;

/**
 * How one reconcile ended (controller-runtime's four outcomes): done; look again after a delay;
 * a transient error (retry with the key's backoff); a terminal error (in status, not retried
 * until the spec changes).
 */
public record Result(Kind kind, Duration after, String message) {

    public enum Kind { DONE, REQUEUE, ERROR, TERMINAL }

    public static final Result DONE = new Result(Kind.DONE, null, null);

    public static Result requeueAfter(Duration d) {
        return new Result(Kind.REQUEUE, d, null);
    }

    public static Result error(String message) {
        return new Result(Kind.ERROR, null, message);
    }

    public static Result terminal(String message) {
        return new Result(Kind.TERMINAL, null, message);
    }

    public String metricName() {
        return switch (kind) {
            case DONE -> "success";
            case REQUEUE -> "requeue";
            case ERROR -> "error";
            case TERMINAL -> "terminal";
        };
    }
}
