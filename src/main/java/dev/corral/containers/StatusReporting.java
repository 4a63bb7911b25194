package dev.corral.containers;

import dev.corral.events.EventRecorder;
import dev.corral.loop.KindReconciler;
import dev.corral.loop.Readiness;
import dev.corral.spec.SpecObject;

/**
 * What the Session and the Relic/Agent reconcilers share towards the loop: a failure goes into
 * status through the one {@link StatusWriter}, and readiness is read from the status phase of the
 * current generation. A failure is also a {@code Warning} event under its reason
 * ({@code ImagePullFailed}, {@code NameConflict}, ...); retries of it fold into one that counts.
 */
public abstract class StatusReporting implements KindReconciler {

    protected final StatusWriter status;
    protected final EventRecorder events;

    protected StatusReporting(StatusWriter status, EventRecorder events) {
        this.status = status;
        this.events = events;
    }

    @Override
    public final boolean failed(SpecObject o, boolean terminal, String reason, String message) {
        events.warning(o.key(), o.metadata().uid(), reason, message);
        status.failure(o, terminal, reason, message);
        return true;
    }

    @Override
    public final Readiness.Outcome readiness(SpecObject o) {
        return Readiness.ofPhase(o);
    }
}
