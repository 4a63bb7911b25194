package dev.corral.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.runtime.LogLine;
import dev.corral.spec.Json;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.http.HttpServerResponse;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * Where a followed or read log goes: server-sent events or WebSocket messages. Both carry the
 * same things: lines (with their stream), events ({@code restarted}: another container run took
 * over; {@code end}, with a reason), then the end of the stream.
 */
interface LogOutput {

    void line(LogLine line);

    /** An event with a JSON object as its data ({@code restarted}). */
    void event(String name, ObjectNode data);

    /** The {@code end} event with its reason, then closes. */
    void end(String reason);

    /** Whether the client is gone (nothing more can be delivered). */
    boolean gone();

    /** Whether the client has not taken what was sent so far (the write queue is full). */
    boolean full();

    /** Called once the write queue has room again. */
    void onDrain(Runnable r);

    /**
     * Blocks while the client has not taken what it was sent, until it does or {@code stopped}
     * (looked at every second, so a drain just before the handler was set is not missed).
     */
    default void awaitRoom(BooleanSupplier stopped) {
        while (!stopped.getAsBoolean() && full()) {
            CountDownLatch room = new CountDownLatch(1);
            onDrain(room::countDown);
            try {
                room.await(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Closes the stream (idempotent). */
    void close();

    static String json(Object o) {
        try {
            return Json.MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code text/event-stream}: event {@code stdout} or {@code stderr} with the line as data
     * (prefixed with its RFC 3339 time when asked), as {@code GET /runs/{name}/logs} sends them.
     */
    final class Sse implements LogOutput {
        private final HttpServerResponse response;
        private final boolean timestamps;

        Sse(HttpServerResponse response, boolean timestamps) {
            this.response = response;
            this.timestamps = timestamps;
            response.setChunked(true).putHeader("Content-Type", "text/event-stream")
                    .putHeader("Cache-Control", "no-cache").putHeader("X-Accel-Buffering", "no");
            // A comment, so that the client sees the stream open before the first line.
            response.write(": corral logs\n\n");
        }

        @Override
        public void line(LogLine line) {
            String text = timestamps && line.time() != null ? line.time() + " " + line.text() : line.text();
            send(line.stream(), text);
        }

        @Override
        public void event(String name, ObjectNode data) {
            send(name, json(data));
        }

        @Override
        public void end(String reason) {
            send("end", reason);
            close();
        }

        private void send(String event, String data) {
            if (!gone()) {
                // A line holds no newline, but a carriage return (or an engine's message) may: either would end the data.
                response.write("event: " + event + "\ndata: " + data.replace('\r', ' ').replace('\n', ' ') + "\n\n");
            }
        }

        @Override
        public boolean gone() {
            return response.closed() || response.ended();
        }

        @Override
        public boolean full() {
            return !gone() && response.writeQueueFull();
        }

        @Override
        public void onDrain(Runnable r) {
            response.drainHandler(v -> r.run());
        }

        @Override
        public void close() {
            if (!gone()) {
                response.end();
            }
        }
    }

    /**
     * One text message per line, {@code {"stream": "stdout", "time": "...", "line": "..."}}; events
     * as {@code {"event": "restarted", ...}} and {@code {"event": "end", "reason": "..."}}, then a
     * normal close. A connection of WebSockets Next has no write queue to ask; what was sent but not
     * yet written to the socket is counted here instead, and past {@link #HIGH_WATER} the sender
     * waits, as on a full Vert.x write queue, until half of it is written.
     */
    final class WebSocket implements LogOutput {
        /** Characters sent and not yet written past which the client counts as slow (Vert.x's default queue size). */
        static final long HIGH_WATER = 64 * 1024;

        private final WebSocketConnection connection;
        private final AtomicLong pending = new AtomicLong();
        private final AtomicReference<Runnable> drain = new AtomicReference<>();
        private final AtomicBoolean closing = new AtomicBoolean();

        WebSocket(WebSocketConnection connection) {
            this.connection = connection;
        }

        @Override
        public void line(LogLine line) {
            ObjectNode m = Json.MAPPER.createObjectNode().put("stream", line.stream());
            if (line.time() != null) {
                m.put("time", line.time().toString());
            }
            send(m.put("line", line.text()));
        }

        @Override
        public void event(String name, ObjectNode data) {
            ObjectNode m = Json.MAPPER.createObjectNode().put("event", name);
            m.setAll(data);
            send(m);
        }

        @Override
        public void end(String reason) {
            send(Json.MAPPER.createObjectNode().put("event", "end").put("reason", reason));
            close(); // after the message: both are written in the order they were subscribed to
        }

        private void send(ObjectNode message) {
            if (gone() || closing.get()) {
                return;
            }
            String text = json(message);
            long size = text.length();
            pending.addAndGet(size);
            // The Uni is lazy: subscribing writes the frame; it completes once the frame is written to the socket.
            connection.sendText(text).subscribe().with(v -> written(size), failure -> written(size));
        }

        private void written(long size) {
            if (pending.addAndGet(-size) <= HIGH_WATER / 2) {
                Runnable r = drain.getAndSet(null);
                if (r != null) {
                    r.run();
                }
            }
        }

        @Override
        public boolean gone() {
            return connection.isClosed();
        }

        @Override
        public boolean full() {
            return !gone() && pending.get() >= HIGH_WATER;
        }

        @Override
        public void onDrain(Runnable r) {
            drain.set(r);
            if (pending.get() <= HIGH_WATER / 2) { // written in the meantime
                Runnable now = drain.getAndSet(null);
                if (now != null) {
                    now.run();
                }
            }
        }

        @Override
        public void close() {
            if (!gone() && closing.compareAndSet(false, true)) {
                connection.close().subscribe().with(v -> { }, failure -> { }); // a normal close (1000)
            }
        }
    }

    /**
     * Lines gathered in memory, for a JSON reply (the seeds' {@code .../logs}): at most
     * {@link #MAX_LINES} lines, the latest kept; {@link #done()} completes at the end.
     */
    final class Collected implements LogOutput {
        static final int MAX_LINES = 10_000;
        private final ArrayDeque<LogLine> lines = new ArrayDeque<>();
        private final CompletableFuture<List<LogLine>> done = new CompletableFuture<>();

        @Override
        public synchronized void line(LogLine line) {
            if (lines.size() == MAX_LINES) {
                lines.removeFirst();
            }
            lines.addLast(line);
        }

        @Override
        public void event(String name, ObjectNode data) {
            // A read that does not follow sees one run: no restarts to report.
        }

        @Override
        public void end(String reason) {
            close();
        }

        @Override
        public boolean gone() {
            return done.isDone();
        }

        @Override
        public boolean full() {
            return false;
        }

        @Override
        public void onDrain(Runnable r) {
            r.run();
        }

        @Override
        public synchronized void close() {
            done.complete(List.copyOf(lines));
        }

        CompletableFuture<List<LogLine>> done() {
            return done;
        }
    }
}
