package dev.corral.runtime;

import java.util.List;

/**
 * What an image is and runs when nothing overrides it.
 *
 * @param id         the image's id (a rebuilt or re-pulled tag has a new one)
 * @param entrypoint ENTRYPOINT, maybe empty
 * @param cmd        CMD, maybe empty
 * @param pulled     this very call pulled it (callers say so in an event); false when it was there already
 */
public record ImageDefaults(String id, List<String> entrypoint, List<String> cmd, boolean pulled) {

    public ImageDefaults(String id, List<String> entrypoint, List<String> cmd) {
        this(id, entrypoint, cmd, false);
    }

    /** ENTRYPOINT followed by {@code command}, or by the image's CMD when {@code command} is empty. */
    public List<String> commandLine(List<String> command) {
        List<String> line = new java.util.ArrayList<>(entrypoint);
        line.addAll(command.isEmpty() ? cmd : command);
        return line;
    }

    ImageDefaults asPulled() {
        return new ImageDefaults(id, entrypoint, cmd, true);
    }
}
