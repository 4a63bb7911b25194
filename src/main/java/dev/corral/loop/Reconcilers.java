package dev.corral.loop;

import dev.corral.runtime.EngineException;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.store.SpecStore;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The reconcilers by kind, and what every reconcile shares: the current object read from the store,
 * failures turned into outcomes and status, and objects stopped by a terminal error left alone until
 * their generation changes.
 */
public final class Reconcilers {

    private static final Logger LOG = Logger.getLogger(Reconcilers.class);

    private final SpecStore store;
    private final Map<Kind, KindReconciler> byKind = new EnumMap<>(Kind.class);
    private final List<KindReconciler> all;
    /** Objects stopped by a terminal error, by the generation that failed. */
    private final Map<ObjectKey, Long> terminal = new ConcurrentHashMap<>();

    public Reconcilers(SpecStore store, Collection<? extends KindReconciler> reconcilers) {
        this.store = store;
        this.all = List.copyOf(reconcilers);
        for (KindReconciler r : all) {
            for (Kind k : r.kinds()) {
                if (byKind.put(k, r) != null) {
                    throw new IllegalStateException("two reconcilers for kind " + k);
                }
            }
        }
    }

    /** The kinds no reconciler takes (none in a whole Corral: each kind has exactly one). */
    public java.util.Set<Kind> unreconciled() {
        java.util.Set<Kind> missing = java.util.EnumSet.allOf(Kind.class);
        missing.removeAll(byKind.keySet());
        return missing;
    }

    public List<KindReconciler> all() {
        return all;
    }

    public Result reconcile(ObjectKey key) {
        KindReconciler r = byKind.get(key.kind());
        if (r == null) {
            return Result.DONE;
        }
        SpecObject o = store.get(key).orElse(null);
        Long failedGeneration = terminal.get(key);
        if (failedGeneration != null) {
            if (o != null && failedGeneration.equals(o.metadata().generation())) {
                return Result.DONE;
            }
            terminal.remove(key);
        }
        try {
            return r.reconcile(key, o);
        } catch (ReconcileException e) {
            if (!e.terminal()) {
                if (o != null) {
                    r.failed(o, false, e.reason(), e.getMessage());
                }
                return Result.error(e.getMessage());
            }
            LOG.warnf("%s: %s (not retried until its spec changes)", key.describe(), e.getMessage());
            if (o != null && r.failed(o, true, e.reason(), e.getMessage())) {
                terminal.put(key, o.metadata().generation());
            }
            return Result.terminal(e.getMessage());
        } catch (EngineException e) {
            if (o != null && e.status() != 0) {
                r.failed(o, false, "EngineError", e.getMessage());
            }
            return Result.error(e.getMessage());
        }
    }

    /** Whether a key was stopped by a terminal error (its status says why). */
    public boolean isTerminal(ObjectKey key) {
        return terminal.containsKey(key);
    }

    public Readiness.Outcome readiness(SpecObject o) {
        KindReconciler r = byKind.get(o.kind());
        return r == null ? Readiness.Outcome.Ready : r.readiness(o);
    }

    public List<ObjectKey> resyncKeys() {
        List<ObjectKey> keys = new ArrayList<>();
        all.forEach(r -> keys.addAll(r.resyncKeys()));
        return keys;
    }

    public ObjectKey claimant(String containerId) {
        for (KindReconciler r : all) {
            ObjectKey k = r.claimant(containerId);
            if (k != null) {
                return k;
            }
        }
        return null;
    }
}
