package dev.corral.api;

import dev.corral.loop.Controller;
import dev.corral.loop.Readiness;
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
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Waits, without polling and without holding a thread, until objects are converged: a store
 * listener completes each waiter when a write makes its object Ready, Failed, Stopped or Paused (or
 * deletes it). Callers get futures; a request that waits returns one, so its worker thread is
 * free while it waits. Cancelling a future (the client went away) forgets its waiters.
 */
@ApplicationScoped
public class StatusWaiter {

    /** Marks a waiter that timed out (a future cannot complete with "nothing happened" otherwise). */
    private static final SpecObject TIMED_OUT = new SpecObject(null, null, null, null, null);

    /**
     * Where completions continue: never on the store's listener thread, which holds the store's
     * write lock while it tells listeners, nor on the timer's.
     */
    private static final Executor CONTINUE = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "corral-wait");
        t.setDaemon(true);
        return t;
    });

    @Inject
    SpecStore store;

    private final Map<ObjectKey, List<Waiter>> waiters = new ConcurrentHashMap<>();

    /** A future completed by the first write that makes {@code done} true (or deletes the object). */
    private record Waiter(Predicate<SpecObject> done, CompletableFuture<SpecObject> future) {
    }

    @Inject
    Controller controller;

    private boolean converged(SpecObject o) {
        return controller.readiness(o) != Readiness.Outcome.Waiting;
    }

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

    /** How a wait for one object ended: its readiness, or that it timed out or was deleted. */
    public enum Result {
        Ready, Failed, Stopped, Paused, Waiting, TimedOut, Deleted;

        static Result of(Readiness.Outcome outcome) {
            return switch (outcome) {
                case Ready -> Ready;
                case Failed -> Failed;
                case Stopped -> Stopped;
                case Paused -> Paused;
                case Waiting -> Waiting;
            };
        }
    }

    /** One object's final state: how the wait ended, and the object as last seen (null if deleted). */
    public record Waited(ObjectKey key, Result outcome, SpecObject object) {
    }

    /**
     * Completes with the object once it satisfies {@code done}, with null once it is deleted, or
     * with the object as it is when the timeout passes.
     */
    public CompletableFuture<SpecObject> awaitUntil(ObjectKey key, Predicate<SpecObject> done, Duration timeout) {
        Waiter w = register(key, done, timeout);
        return w.future().thenApplyAsync(o -> o == TIMED_OUT ? store.get(key).orElse(null) : o, CONTINUE);
    }

    /** Completes when every key is converged or the timeout passed, with each key's outcome. */
    public CompletableFuture<List<Waited>> await(List<ObjectKey> keys, Duration timeout) {
        List<CompletableFuture<SpecObject>> futures = new ArrayList<>();
        for (ObjectKey k : keys) {
            futures.add(register(k, this::converged, timeout).future());
        }
        CompletableFuture<List<Waited>> all = CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                .thenApplyAsync(x -> {
                    List<Waited> out = new ArrayList<>(keys.size());
                    for (int i = 0; i < keys.size(); i++) {
                        SpecObject o = futures.get(i).join();
                        if (o == TIMED_OUT) {
                            out.add(new Waited(keys.get(i), Result.TimedOut, store.get(keys.get(i)).orElse(null)));
                        } else {
                            out.add(new Waited(keys.get(i), o == null ? Result.Deleted : Result.of(controller.readiness(o)), o));
                        }
                    }
                    return out;
                }, CONTINUE);
        // A caller that gives up (its client went away) cancels this one future: let the waiters go too.
        all.whenComplete((r, e) -> {
            if (all.isCancelled()) {
                futures.forEach(f -> f.cancel(false));
            }
        });
        return all;
    }

    private Waiter register(ObjectKey k, Predicate<SpecObject> done, Duration timeout) {
        Waiter w = new Waiter(done, new CompletableFuture<>());
        waiters.computeIfAbsent(k, x -> new CopyOnWriteArrayList<>()).add(w);
        w.future().whenComplete((o, e) -> unregister(k, w));
        // Registered first, checked second: a write in between is not missed.
        SpecObject now = store.get(k).orElse(null);
        if (now == null || done.test(now)) {
            w.future().complete(now);
        } else {
            w.future().completeOnTimeout(TIMED_OUT, timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        return w;
    }

    private void unregister(ObjectKey k, Waiter w) {
        waiters.computeIfPresent(k, (x, l) -> {
            l.remove(w);
            return l.isEmpty() ? null : l;
        });
    }

    /** Waiters registered now, for tests and metrics. */
    int waiting() {
        return waiters.values().stream().mapToInt(List::size).sum();
    }
}
