package dev.corral.loop;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.spec.SpecObject;
import dev.corral.spec.model.Phase;

/** When an object counts as converged for {@code PUT /specs?wait=true}. */
public final class Readiness {

    /** Phases after which waiting longer will not change the answer without a spec change. */
    public enum Outcome { Ready, Failed, Stopped, Paused, Waiting }

    private Readiness() {
    }

    /**
     * The outcome an object's status phase gives, for kinds whose status describes a generation:
     * {@code Waiting} while the status does not yet describe the object's current generation or is
     * in a transitional phase.
     */
    public static Outcome ofPhase(SpecObject o) {
        ObjectNode s = o.status();
        long generation = o.metadata().generation() == null ? 0 : o.metadata().generation();
        if (s == null || s.path("observedGeneration").asLong(-1) < generation) {
            return Outcome.Waiting;
        }
        Phase phase = Phase.ofStatus(s);
        return phase == null ? Outcome.Waiting : switch (phase) {
            case Ready -> Outcome.Ready;
            case Failed -> Outcome.Failed;
            case Stopped -> Outcome.Stopped;
            case Paused -> Outcome.Paused;
            default -> Outcome.Waiting;
        };
    }
}
