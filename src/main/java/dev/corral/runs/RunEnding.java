package dev.corral.runs;

import dev.corral.spec.model.RunPhase;

/** How a run ended, from why Corral killed it (if it did) and how its container exited. */
public record RunEnding(RunPhase phase, String message) {

    public static RunEnding of(RunStatus status, boolean oomKilled, Long exitCode) {
        if (status.terminating() == RunPhase.TIMED_OUT) {
            long timeout = status.timeoutSeconds() == null ? 0 : status.timeoutSeconds();
            return new RunEnding(RunPhase.TIMED_OUT, "killed at its timeout of " + timeout + " s");
        }
        if (status.terminating() != null) {
            return new RunEnding(status.terminating(), "cancelled");
        }
        if (oomKilled) {
            return new RunEnding(RunPhase.OOM_KILLED, "killed for exceeding its memory limit");
        }
        if (exitCode != null && exitCode == 0) {
            return new RunEnding(RunPhase.SUCCEEDED, null);
        }
        return new RunEnding(RunPhase.FAILED, "exited with code " + exitCode);
    }
}
