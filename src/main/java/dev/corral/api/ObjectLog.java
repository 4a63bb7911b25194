package dev.corral.api;

import dev.corral.runs.Launcher;
import dev.corral.runtime.ContainerDetails;
import dev.corral.runtime.ContainerRuntime;
import dev.corral.runtime.LogLine;
import dev.corral.runtime.LogRequest;
import dev.corral.spec.Json;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.spec.model.RunPhase;
import dev.corral.store.SpecStore;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * One object's log (Relic, Agent, ToolRun) sent to a {@link LogOutput}: its current run, or with
 * {@code previous} what came before it. Followed, it spans the container's runs: when the
 * engine's stream ends (the container stopped), it waits — without a thread, on the object's
 * status writes, looking again every {@link #RECHECK} — until the object's container runs again
 * (restarted in place, or re-created with a new id), says so with a {@code restarted} event and
 * reads on from where that run begins, so no line repeats. It ends when the object is deleted
 * or the client goes away; either way the engine stream, the wait and the permit are let go.
 */
final class ObjectLog {

    /** How often a wait for the next run looks at the engine even without a status write. */
    static final Duration RECHECK = Duration.ofSeconds(2);

    /** Where a log starts (it inspects the container): never on the event loop that took the request. */
    private static final Executor START = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "corral-logs");
        t.setDaemon(true);
        return t;
    });

    private final ObjectKey key;
    private final LogQuery query;
    private final LogOutput out;
    private final StreamLimits.Permit permit;
    private final ContainerRuntime runtime;
    private final StatusWaiter waiter;
    private final SpecStore store;

    private volatile boolean stopped;
    private volatile AutoCloseable engineStream;
    private volatile CompletableFuture<?> waiting;
    // The run being read and the time of the last line sent; one step at a time writes them.
    private volatile String containerId;
    private volatile Instant startedAt;
    private volatile Instant lastTime;
    private volatile boolean opened;
    private volatile Instant openedAt;

    ObjectLog(ObjectKey key, LogQuery query, LogOutput out, StreamLimits.Permit permit, ContainerRuntime runtime,
              StatusWaiter waiter, SpecStore store) {
        this.key = key;
        this.query = query;
        this.out = out;
        this.permit = permit;
        this.runtime = runtime;
        this.waiter = waiter;
        this.store = store;
        permit.goneWhen(out::gone).onClientGone(this::stop);
    }

    void start() {
        START.execute(() -> safely(this::begin));
    }

    /** A step that fails (the engine does not answer an inspect) ends the log with the reason. */
    private void safely(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            end("engine: " + e.getMessage());
        }
    }

    /** The later of two times, either may be null. */
    static Instant later(Instant a, Instant b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }

    private void begin() {
        SpecObject o = store.get(key).orElse(null);
        if (o == null) {
            end("deleted");
            return;
        }
        if (query.follow()) {
            check(o, false);
            return;
        }
        if (finishedRun(o)) {
            sendCaptured(o);
            return;
        }
        ContainerDetails d = details(o);
        if (d == null || d.startedAt() == null) {
            end("no container");
            return;
        }
        containerId = d.id();
        Instant from = d.currentRunFrom();
        if (query.previous() && from == null) {
            end("no previous run");
            return;
        }
        LogRequest r = query.previous() ? new LogRequest(false, query.tail(), query.since(), from)
                : new LogRequest(false, query.tail(), later(query.since(), from), null);
        open(r, failure -> end(failure == null ? "done" : "engine: " + failure.getMessage()));
    }

    /**
     * Follows the object's current run if it is one not read yet; else waits for the next status
     * write (or {@link #RECHECK}). {@code justEnded}: a stream has just ended, so the same run, if
     * it still runs, is read again only after a wait (no tight loop on a failing engine).
     */
    private void check(SpecObject o, boolean justEnded) {
        if (stopped) {
            return;
        }
        if (o == null) {
            end("deleted");
            return;
        }
        if (finishedRun(o)) {
            if (opened) {
                end(RunPhase.jsonOrPending(o.status()));
            } else {
                sendCaptured(o);
            }
            return;
        }
        ContainerDetails d = details(o);
        if (d != null && d.startedAt() != null) {
            Instant from = d.currentRunFrom();
            if (!opened) {
                // The first run read, as the query asks (a stopped container gives its lines, then ends).
                take(d);
                openedAt = Instant.now();
                Instant since = later(query.since(), from);
                if (query.tail() == null || since == null) {
                    follow(query.tail(), since); // the engine takes the tail itself
                } else {
                    // The last lines before now, then on from now: nothing lost or repeated in between.
                    open(new LogRequest(false, query.tail(), since, openedAt), failure -> follow(null, openedAt));
                }
                return;
            }
            boolean otherContainer = !d.id().equals(containerId);
            if (otherContainer || d.startedAt().isAfter(startedAt)) {
                // Another run took over (even one that has ended again: its lines are read too).
                take(d);
                out.event("restarted", Json.MAPPER.createObjectNode().put("containerId", d.id())
                        .put("startedAt", d.startedAt().toString()));
                follow(null, otherContainer ? null : later(from, after(lastTime)));
                return;
            }
            if (d.running() && !justEnded) {
                // The same run, still running: the engine's stream dropped. Read on after what was read.
                follow(null, later(later(from, openedAt), after(lastTime)));
                return;
            }
        }
        long seen = o.resourceVersion();
        CompletableFuture<SpecObject> next = waiter.awaitUntil(key, x -> x.resourceVersion() != seen, RECHECK);
        waiting = next;
        next.thenAccept(x -> safely(() -> check(x, false)));
        if (stopped) {
            next.cancel(false);
        }
    }

    private static Instant after(Instant t) {
        return t == null ? null : t.plusNanos(1);
    }

    private void take(ContainerDetails d) {
        containerId = d.id();
        startedAt = d.startedAt();
        opened = true;
    }

    private void follow(Integer tail, Instant since) {
        open(new LogRequest(true, tail, since, null), failure -> {
            if (!stopped) {
                safely(() -> check(store.get(key).orElse(null), true));
            }
        });
    }

    private void open(LogRequest request, Consumer<Throwable> ended) {
        if (stopped) {
            return;
        }
        try {
            engineStream = runtime.readLogs(containerId, request, this::line, failure -> {
                if (!stopped) {
                    ended.accept(failure);
                }
            });
        } catch (RuntimeException e) {
            end("engine: " + e.getMessage());
            return;
        }
        if (stopped) {
            EngineStream.closeQuietly(engineStream); // stopped while the stream was being opened
        }
    }

    private void line(LogLine l) {
        if (stopped || (key.kind() == Kind.ToolRun && l.text().contains(Launcher.REPORT_MARK))) {
            return; // the launcher's closing report is Corral's, not the run's output
        }
        if (key.kind() == Kind.ToolRun) {
            String text = Launcher.withoutEndLine(l.text()); // nor is its end-of-stdout mark
            if (text.isEmpty() && !l.text().isEmpty()) {
                return;
            }
            l = new LogLine(l.stream(), l.time(), text);
        }
        if (l.time() != null) {
            lastTime = l.time();
        }
        out.line(l);
        // The engine stream's thread waits while the client is slow: the engine waits too, nothing piles up here.
        out.awaitRoom(() -> stopped);
    }

    private ContainerDetails details(SpecObject o) {
        String id = o.status() == null ? null : o.status().path("containerId").asText(null);
        return id == null ? null : runtime.inspectContainer(id).orElse(null);
    }

    private boolean finishedRun(SpecObject o) {
        return key.kind() == Kind.ToolRun && RunPhase.finishedIn(o.status());
    }

    /** A finished run's container is gone: its output as its status captured it, line by line. */
    private void sendCaptured(SpecObject o) {
        for (String stream : new String[]{"stdout", "stderr"}) {
            String text = o.status().path(stream).asText("");
            for (String l : text.isEmpty() ? new String[0] : text.split("\n")) {
                line(new LogLine(stream, null, l));
            }
        }
        end(RunPhase.jsonOrPending(o.status()));
    }

    private void end(String reason) {
        if (!stopped) {
            out.end(reason);
        }
        stop();
    }

    /** Lets everything go; safe to call more than once and from any thread. */
    void stop() {
        stopped = true;
        CompletableFuture<?> w = waiting;
        if (w != null) {
            w.cancel(false);
        }
        EngineStream.closeQuietly(engineStream);
        out.close();
        permit.close();
    }
}
