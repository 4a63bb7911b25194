package dev.corral.runtime;

/** What a container wrote while attached, each stream capped, and the last few KiB of stderr regardless. */
public record StreamedOutput(Logs logs, String stderrTail) {
}
