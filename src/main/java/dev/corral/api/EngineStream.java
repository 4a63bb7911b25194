package dev.corral.api;

/** The one way the log endpoints let an engine log stream go. */
final class EngineStream {

    private EngineStream() {
    }

    /** Closes {@code stream} if there is one; it is going away anyway, so a failure to close is ignored. */
    static void closeQuietly(AutoCloseable stream) {
        if (stream != null) {
            try {
                stream.close();
            } catch (Exception e) {
                // Nothing to do: the engine ends the stream on its side too.
            }
        }
    }
}
