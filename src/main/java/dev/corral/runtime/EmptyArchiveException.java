package dev.corral.runtime;

/** The engine answered a copy out of a container with no archive at all, each time it was asked. */
public class EmptyArchiveException extends EngineException {

    public EmptyArchiveException(String message) {
        super(0, message, null);
    }
}
