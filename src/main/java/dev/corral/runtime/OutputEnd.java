package dev.corral.runtime;

/**
 * Says from the last bytes of each stream that a container has written all it will, so an
 * attachment can be answered before the engine closes it: closing comes only after the
 * container's exit and the engine's clean-up of it, tens of milliseconds later.
 */
@FunctionalInterface
public interface OutputEnd {

    /** Waits for the streams to close. */
    OutputEnd STREAMS_CLOSED = (stdoutTail, stderrTail) -> false;

    /** Whether the output is complete, given up to the last 4 KiB of stderr and 256 bytes of stdout. */
    boolean complete(String stdoutTail, String stderrTail);
}
