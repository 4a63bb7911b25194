package dev.corral.runtime;

/** A container's output, each stream cut at a cap; the flags say whether it was. */
public record Logs(String stdout, boolean stdoutTruncated, String stderr, boolean stderrTruncated) {
}
