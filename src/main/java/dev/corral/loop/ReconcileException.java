package dev.corral.loop;

/**
 * A reconcile failure with the reason shown in status ({@code NameConflict}, {@code ImagePullFailed}, ...).
 * {@link #terminal()} ones cannot be fixed by retrying until the spec changes (a name taken by a
 * container Corral does not own, an image that may not be pulled, a request the engine rejects):
 * they go to status as {@code Failed} and are left alone until the object's generation changes.
 * The others are retried with the key's backoff, their reason shown meanwhile.
 */
public class ReconcileException extends java.lang.RuntimeException {

    private final String reason;
    private final boolean terminal;

    private ReconcileException(String reason, String message, boolean terminal, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.terminal = terminal;
    }

    public static ReconcileException terminal(String reason, String message, Throwable cause) {
        return new ReconcileException(reason, message, true, cause);
    }

    public static ReconcileException retryable(String reason, String message, Throwable cause) {
        return new ReconcileException(reason, message, false, cause);
    }

    public String reason() {
        return reason;
    }

    public boolean terminal() {
        return terminal;
    }
}
