package dev.corral.reconcile;

/**
 * A failure worth retrying with backoff; {@link #reason()} is shown in status meanwhile
 * (e.g. {@code ImagePullFailed} while the registry is unreachable).
 */
public class RetryableException extends java.lang.RuntimeException {

    private final String reason;

    public RetryableException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
