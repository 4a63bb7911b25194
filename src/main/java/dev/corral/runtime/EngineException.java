package dev.corral.runtime;

/**
 * The engine refused or failed a call. {@code status} is its HTTP status (0 when it did not
 * answer); {@link #terminal()} says whether retrying the same request can help.
 */
public class EngineException extends java.lang.RuntimeException {

    private final int status;

    public EngineException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** A 400 (invalid request) will not get better by retrying; 5xx and no-answer may. */
    public boolean terminal() {
        return status == 400;
    }
}
