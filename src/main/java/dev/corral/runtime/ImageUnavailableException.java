package dev.corral.runtime;

/** An image is not on the engine and could not (or may not) be pulled. */
public class ImageUnavailableException extends EngineException {

    private final boolean mayPull;

    public ImageUnavailableException(String message, boolean mayPull, Throwable cause) {
        super(404, message, cause);
        this.mayPull = mayPull;
    }

    /** False for {@code imagePullPolicy: Never}: retrying cannot help until the image appears or the spec changes. */
    public boolean mayPull() {
        return mayPull;
    }
}
