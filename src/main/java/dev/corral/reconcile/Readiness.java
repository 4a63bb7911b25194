package dev.corral.reconcile;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.spec.Kind;
import dev.corral.spec.SpecObject;

/** When an object counts as converged for {@code PUT /specs?wait=true}. */
public final class Readiness {

    /** Phases after which waiting longer will not change the answer without a spec change. */
    public enum Outcome { Ready, Failed, Stopped, Waiting }

    private Readiness() {
    }

    /**
     * @return the outcome for this object's current status; {@code Waiting} while the status does
     * not yet describe the object's current generation or is in a transitional phase
     */
    public static Outcome of(SpecObject o) {
        if (o.kind() == Kind.Tool) {
            // Tools are templates: nothing to wait for.
            return Outcome.Ready;
        }
        if (o.kind() == Kind.ToolRun) {
            // A run is done when it has finished: Succeeded is Ready, any other end is Failed.
            String phase = o.status() == null ? "" : o.status().path("phase").asText("");
            if (!dev.corral.runs.RunPhases.finished(phase)) {
                return Outcome.Waiting;
            }
            return dev.corral.runs.RunPhases.SUCCEEDED.equals(phase) ? Outcome.Ready : Outcome.Failed;
        }
        ObjectNode s = o.status();
        long generation = o.metadata().generation() == null ? 0 : o.metadata().generation();
        if (s == null || s.path("observedGeneration").asLong(-1) < generation) {
            return Outcome.Waiting;
        }
        return switch (s.path("phase").asText("")) {
            case "Ready" -> Outcome.Ready;
            case "Failed" -> Outcome.Failed;
            case "Stopped" -> Outcome.Stopped;
            default -> Outcome.Waiting;
        };
    }
}
