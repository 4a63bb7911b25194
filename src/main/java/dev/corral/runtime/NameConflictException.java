package dev.corral.runtime;

/** A create failed because the name is taken (HTTP 409). */
public class NameConflictException extends EngineException {

    public NameConflictException(String message, Throwable cause) {
        super(409, message, cause);
    }
}
