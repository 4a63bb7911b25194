package dev.corral.api;

import dev.corral.spec.Json;
import dev.corral.spec.SpecObject;
import dev.corral.watch.WatchEvent;
import dev.corral.watch.Watcher;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import org.jboss.logging.Logger;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One watch of {@code /specs} as server-sent events: {@code event: ADDED|MODIFIED|DELETED},
 * {@code id: <resourceVersion>}, {@code data: {"type", "object"}} per change; objects of the
 * initial list carry no id, and a bookmark ({@code : bookmark} and {@code id:}, no data, so an
 * EventSource dispatches nothing but remembers the id) marks the version the list is at, and
 * later how far a filtered watch has seen.
 *
 * <p>Holds no thread: the watcher wakes it, and it writes what is queued in batches on a pool
 * thread, one batch in flight at a time. A client that does not read leaves the batch unwritten,
 * the watcher's queue fills and overflows, and the stream is closed; so is it when the client
 * goes away or Corral stops.
 */
final class SpecWatch {

    private static final Logger LOG = Logger.getLogger(SpecWatch.class);

    /** Events written per batch; the next batch waits until this one is written. */
    private static final int BATCH = 64;

    /** Where batches are written: never on the store's delivery thread, which must not wait for clients. */
    private static final Executor PUMP = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "corral-watch");
        t.setDaemon(true);
        return t;
    });

    private final SseEventSink sink;
    private final Sse sse;
    private final StreamLimits.Permit permit;
    private final AtomicInteger wip = new AtomicInteger();
    private volatile Watcher watcher;
    private volatile boolean writing;
    private volatile boolean stopped;

    SpecWatch(SseEventSink sink, Sse sse, StreamLimits.Permit permit) {
        this.sink = sink;
        this.sse = sse;
        this.permit = permit;
        permit.onClientGone(this::stop);
    }

    /** Given to the hub: called on its thread when the watcher has something or has ended. */
    void wake() {
        PUMP.execute(this::drain);
    }

    /** On the request's thread, which must not have returned yet. */
    void start(Watcher w) {
        watcher = w;
        // The response head goes out now, on this thread: RESTEasy writes it after the resource method
        // returns unless an event already did, and that check would race with a batch written by the pump.
        sink.send(sse.newEventBuilder().comment("watching").build());
        wake();
    }

    /** One thread at a time (the others only mark that there is more): write a batch if none is in flight. */
    private void drain() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            Watcher w = watcher;
            if (w != null && !stopped && !writing) {
                if (w.overflowed() || w.closed()) {
                    LOG.debugf("watch ended: %s", w.overflowed() ? "the client fell behind" : "closed");
                    stop();
                } else {
                    writeBatch(w);
                }
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }

    private void writeBatch(Watcher w) {
        CompletionStage<?> last = null;
        try {
            for (int i = 0; i < BATCH && !sink.isClosed(); i++) {
                WatchEvent e = w.poll();
                if (e == null) {
                    break;
                }
                last = sink.send(sseEvent(e));
            }
        } catch (RuntimeException e) {
            LOG.debugf("watch stream failed: %s", e.toString());
            stop();
            return;
        }
        if (sink.isClosed()) {
            stop();
            return;
        }
        if (last != null) {
            writing = true;
            last.whenComplete((v, failure) -> {
                writing = false;
                if (failure != null) {
                    stop();
                } else {
                    wake(); // not on the thread that completed the write (an event loop)
                }
            });
        }
    }

    private OutboundSseEvent sseEvent(WatchEvent e) {
        OutboundSseEvent.Builder b = sse.newEventBuilder();
        if (e.type() == WatchEvent.Type.BOOKMARK) {
            return b.comment("bookmark").id(Long.toString(e.resourceVersion())).build();
        }
        if (!e.listed()) {
            b.id(Long.toString(e.resourceVersion()));
        }
        try {
            return b.name(e.type().name()).data(Json.MAPPER.writeValueAsString(new Data(e.type().name(), e.object()))).build();
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot write " + e.object().key().describe() + ": " + ex.getMessage(), ex);
        }
    }

    /** An event's data, as the Kubernetes watch API has it. */
    @JsonPropertyOrder({"type", "object"})
    record Data(String type, SpecObject object) {
    }

    /** Lets everything go; safe to call more than once and from any thread. */
    void stop() {
        stopped = true;
        Watcher w = watcher;
        if (w != null) {
            w.close();
        }
        if (!sink.isClosed()) {
            sink.close();
        }
        permit.close();
    }
}
