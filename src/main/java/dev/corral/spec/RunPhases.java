package dev.corral.spec;

import java.util.Set;

/** The phases of a tool run's status; the finished ones never change again. */
public final class RunPhases {

    public static final String PENDING = "Pending";
    public static final String RUNNING = "Running";
    public static final String SUCCEEDED = "Succeeded";
    public static final String FAILED = "Failed";
    public static final String TIMED_OUT = "TimedOut";
    public static final String CANCELLED = "Cancelled";
    public static final String OOM_KILLED = "OOMKilled";

    private static final Set<String> FINISHED = Set.of(SUCCEEDED, FAILED, TIMED_OUT, CANCELLED, OOM_KILLED);

    /** The annotation {@code POST /runs/{name}/cancel} sets: cancelling is declared, like everything else. */
    public static final String CANCEL_ANNOTATION = "corral.dev/cancel";

    private RunPhases() {
    }

    public static boolean finished(String phase) {
        return phase != null && FINISHED.contains(phase);
    }
}
