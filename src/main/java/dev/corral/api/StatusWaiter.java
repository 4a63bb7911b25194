package dev.corral.api;

import dev.corral.reconcile.Readiness;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.store.SpecStore;
import dev.corral.store.StoreEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits, without polling, until objects are converged: a store listener completes each waiter
 * when a write makes its object Ready, Failed or Stopped (or deletes it).
 */
@ApplicationScoped
public class StatusWaiter {

    @Inject
    SpecStore store;

    private final Map<ObjectKey, List<CompletableFuture<SpecObject>>> waiters = new ConcurrentHashMap<>();

    void listen(@Observes StartupEvent ev) {
        store.addListener(this::onEvent);
    }

    private void onEvent(StoreEvent e) {
        List<CompletableFuture<SpecObject>> list = waiters.get(e.key());
        if (list == null) {
            return;
        }
        if (e.type() == StoreEvent.Type.DELETED || Readiness.of(e.object()) != Readiness.Outcome.Waiting) {
            list.forEach(f -> f.complete(e.type() == StoreEvent.Type.DELETED ? null : e.object()));
        }
    }

    /** One object's final state: its outcome, and the object as last seen (null if deleted). */
    public record Waited(ObjectKey key, String outcome, SpecObject object) {
    }

    /** Waits until every key is converged or the timeout passes; returns each key's outcome. */
    public List<Waited> await(List<ObjectKey> keys, Duration timeout) {
        List<CompletableFuture<SpecObject>> futures = new ArrayList<>();
        for (ObjectKey k : keys) {
            CompletableFuture<SpecObject> f = new CompletableFuture<>();
            waiters.computeIfAbsent(k, x -> new CopyOnWriteArrayList<>()).add(f);
            futures.add(f);
            // Registered first, checked second: a write in between is not missed.
            SpecObject now = store.get(k).orElse(null);
            if (now == null || Readiness.of(now) != Readiness.Outcome.Waiting) {
                f.complete(now);
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Waited> out = new ArrayList<>();
        try {
            for (int i = 0; i < keys.size(); i++) {
                ObjectKey k = keys.get(i);
                SpecObject o;
                String outcome;
                try {
                    o = futures.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    outcome = o == null ? "Deleted" : Readiness.of(o).name();
                } catch (TimeoutException e) {
                    o = store.get(k).orElse(null);
                    outcome = "TimedOut";
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    o = store.get(k).orElse(null);
                    outcome = "TimedOut";
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e);
                }
                out.add(new Waited(k, outcome, o));
            }
        } finally {
            for (int i = 0; i < keys.size(); i++) {
                CompletableFuture<SpecObject> f = futures.get(i);
                waiters.computeIfPresent(keys.get(i), (k, l) -> {
                    l.remove(f);
                    return l.isEmpty() ? null : l;
                });
            }
        }
        return out;
    }
}
