package dev.corral.runtime;

/** The outcome of a command run inside a container; {@code exitCode} null when it timed out. */
public record ExecResult(Long exitCode, String output) {

    public boolean succeeded() {
        return exitCode != null && exitCode == 0;
    }
}
