package dev.corral.runtime;

import java.util.List;

/** What an image runs when nothing overrides it; either list may be empty. */
public record ImageDefaults(List<String> entrypoint, List<String> cmd) {

    /** ENTRYPOINT followed by {@code command}, or by the image's CMD when {@code command} is empty. */
    public List<String> commandLine(List<String> command) {
        List<String> line = new java.util.ArrayList<>(entrypoint);
        line.addAll(command.isEmpty() ? cmd : command);
        return line;
    }
}
