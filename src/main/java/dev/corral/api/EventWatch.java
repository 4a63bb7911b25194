package dev.corral.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.corral.events.EventFilter;
import dev.corral.events.EventRecorder;
import dev.corral.spec.Json;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One {@code GET /events?watch=true}: the matching events as server-sent events ({@code ADDED}),
 * then each change ({@code ADDED}, or {@code MODIFIED} when a folded event counts up), until the
 * client goes away. Changes are handed to the connection as they come, without waiting for the
 * client; a client that falls {@value #MAX_UNSENT} events behind is cut off, as Kubernetes cuts a
 * watch that cannot keep up, so a slow reader never holds more than that in memory.
 */
final class EventWatch {

    static final int MAX_UNSENT = 1000;

    private final SseEventSink sink;
    private final Sse sse;
    private final StreamLimits.Permit permit;
    private final AtomicInteger unsent = new AtomicInteger();
    private volatile EventRecorder.Watch watch;
    private volatile boolean stopped;

    EventWatch(SseEventSink sink, Sse sse, StreamLimits.Permit permit) {
        this.sink = sink;
        this.sse = sse;
        this.permit = permit;
    }

    void start(EventRecorder events, EventFilter filter) {
        watch = events.watch(filter, this::send);
        permit.onClientGone(this::stop);
        if (stopped) {
            watch.close(); // stopped while the watch was being opened
        }
    }

    /** Called under the recorder's lock: hands the change on and returns at once. */
    private void send(EventRecorder.Change change) {
        if (stopped || sink.isClosed()) {
            stop();
            return;
        }
        if (unsent.incrementAndGet() > MAX_UNSENT) {
            stop();
            return;
        }
        String json;
        try {
            json = Json.MAPPER.writeValueAsString(change.event());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        sink.send(sse.newEventBuilder().name(change.type().name()).id(Long.toString(change.event().id()))
                .data(json).build()).whenComplete((ok, failed) -> {
                    unsent.decrementAndGet();
                    if (failed != null) {
                        stop();
                    }
                });
    }

    /** Lets everything go; safe to call more than once and from any thread. */
    void stop() {
        stopped = true;
        EventRecorder.Watch w = watch;
        if (w != null) {
            w.close();
        }
        if (!sink.isClosed()) {
            sink.close();
        }
        permit.close();
    }
}
