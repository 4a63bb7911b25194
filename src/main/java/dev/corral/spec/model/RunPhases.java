package dev.corral.spec.model;


/**
 * The phases of a tool run's status as the strings of its JSON, for readers of raw status;
 * {@link RunPhase} is the typed form. The finished ones never change again.
 */
public final class RunPhases {

    public static final String PENDING = "Pending";
    public static final String RUNNING = "Running";
    public static final String SUCCEEDED = "Succeeded";
    public static final String FAILED = "Failed";
    public static final String TIMED_OUT = "TimedOut";
    public static final String CANCELLED = "Cancelled";
    public static final String OOM_KILLED = "OOMKilled";

    /** The annotation {@code POST /runs/{name}/cancel} sets: cancelling is declared, like everything else. */
    public static final String CANCEL_ANNOTATION = "corral.dev/cancel";

    private RunPhases() {
    }

    public static boolean finished(String phase) {
        RunPhase p = RunPhase.of(phase);
        return p != null && p.finished();
    }
}
