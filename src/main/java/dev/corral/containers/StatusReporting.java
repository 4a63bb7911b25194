package dev.corral.containers;

import dev.corral.loop.KindReconciler;
import dev.corral.loop.Readiness;
import dev.corral.spec.SpecObject;

/**
 * What the Session and the Relic/Agent reconcilers share towards the loop: a failure goes into
 * status through the one {@link StatusWriter}, and readiness is read from the status phase of the
 * current generation.
 */
abstract class StatusReporting implements KindReconciler {

    protected final StatusWriter status;

    StatusReporting(StatusWriter status) {
        this.status = status;
    }

    @Override
    public final boolean failed(SpecObject o, boolean terminal, String reason, String message) {
        status.failure(o, terminal, reason, message);
        return true;
    }

    @Override
    public final Readiness.Outcome readiness(SpecObject o) {
        return Readiness.ofPhase(o);
    }
}
