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

    private final Map<ObjectKey, List<Waiter>> waiters = new ConcurrentHashMap<>();

    /** A future completed by the first write that makes {@code done} true (or deletes the object). */
    private record Waiter(java.util.function.Predicate<SpecObject> done, CompletableFuture<SpecObject> future) {
    }

    private static final java.util.function.Predicate<SpecObject> CONVERGED =
            o -> Readiness.of(o) != Readiness.Outcome.Waiting;

    void listen(@Observes StartupEvent ev) {
        store.addListener(this::onEvent);
    }

    private void onEvent(StoreEvent e) {
        List<Waiter> list = waiters.get(e.key());
        if (list == null) {
            return;
        }
        for (Waiter w : list) {
            if (e.type() == StoreEvent.Type.DELETED) {
                w.future().complete(null);
            } else if (w.done().test(e.object())) {
                w.future().complete(e.object());
            }
        }
    }

    /** One object's final state: its outcome, and the object as last seen (null if deleted). */
    public record Waited(ObjectKey key, String outcome, SpecObject object) {
    }

    /**
     * Waits until the object satisfies {@code done}, is deleted, or the timeout passes.
     *
     * @return the object as last seen (null if deleted)
     */
    public SpecObject awaitUntil(ObjectKey key, java.util.function.Predicate<SpecObject> done, Duration timeout) {
        Waiter w = register(key, done);
        try {
            return w.future().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return store.get(key).orElse(null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return store.get(key).orElse(null);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        } finally {
            unregister(key, w);
        }
    }

    private Waiter register(ObjectKey k, java.util.function.Predicate<SpecObject> done) {
        Waiter w = new Waiter(done, new CompletableFuture<>());
        waiters.computeIfAbsent(k, x -> new CopyOnWriteArrayList<>()).add(w);
        // Registered first, checked second: a write in between is not missed.
        SpecObject now = store.get(k).orElse(null);
        if (now == null || done.test(now)) {
            w.future().complete(now);
        }
        return w;
    }

    private void unregister(ObjectKey k, Waiter w) {
        waiters.computeIfPresent(k, (x, l) -> {
            l.remove(w);
            return l.isEmpty() ? null : l;
        });
    }

    /** Waits until every key is converged or the timeout passes; returns each key's outcome. */
    public List<Waited> await(List<ObjectKey> keys, Duration timeout) {
        List<Waiter> registered = new ArrayList<>();
        List<CompletableFuture<SpecObject>> futures = new ArrayList<>();
        for (ObjectKey k : keys) {
            Waiter w = register(k, CONVERGED);
            registered.add(w);
            futures.add(w.future());
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
                unregister(keys.get(i), registered.get(i));
            }
        }
        return out;
    }
}
