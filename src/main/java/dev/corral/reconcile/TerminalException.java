package dev.corral.reconcile;

/**
 * A failure that retrying cannot fix until the spec changes (a name taken by a container Corral
 * does not own, an image that may not be pulled, a request the engine rejects). Goes to status
 * and metrics, and the object is left alone until its generation changes.
 *
 * @see #reason() the condition reason shown in status, e.g. {@code NameConflict}
 */
public class TerminalException extends java.lang.RuntimeException {

    private final String reason;

    public TerminalException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
