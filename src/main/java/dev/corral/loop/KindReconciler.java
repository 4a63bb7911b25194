package dev.corral.loop;

import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * What the loop needs from the reconciler of a kind: converge one key, put a failure into status, and
 * say when an object counts as converged. A new kind is one implementation of this, produced as a CDI
 * bean: {@link Controller} finds every bean of this type and dispatches keys to it by kind.
 */
public interface KindReconciler {

    /** The kinds this reconciler owns; no two reconcilers own one kind. */
    Set<Kind> kinds();

    /**
     * Converges one key to its spec. Level-triggered: it never asks what woke it.
     *
     * @param current the stored object, or null when it is gone (what it owned is garbage)
     * @throws ReconcileException for a failure with a reason (retried unless terminal)
     */
    Result reconcile(ObjectKey key, SpecObject current);

    /**
     * Puts a failed reconcile into the object's status. {@code terminal}: it is not retried until the
     * object's spec changes. Kinds whose status only their own reconcile writes leave this as it is.
     *
     * @return whether the status now says so; only then is a terminal failure left alone until the
     * object's generation changes (the status is where users see why)
     */
    default boolean failed(SpecObject o, boolean terminal, String reason, String message) {
        return false;
    }

    /** When the object counts as converged, for {@code ?wait=true}. */
    Readiness.Outcome readiness(SpecObject o);

    /** Keys to look at on every resync besides the stored objects and the owners the engine shows. */
    default Collection<ObjectKey> resyncKeys() {
        return List.of();
    }

    /** The object an engine event about this container concerns when its labels do not say so. */
    default ObjectKey claimant(String containerId) {
        return null;
    }

    /** Called each time the engine's event stream connects, before the resync that follows. */
    default void engineConnected() {
    }

    /** Called once when the loop stops. */
    default void shutdown() {
    }
}
