package dev.corral.api;

import dev.corral.runtime.LogLine;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The WebSocket output's flow control, on a connection whose writes complete only when the test
 * says so (a client that does not read): past the high-water mark it is full, and the drain
 * handler runs once enough was written; the end message goes before the close.
 */
class LogOutputWebSocketTest {

    /** A connection that records what was sent and completes each write when told to. */
    static final class Connection {
        final List<String> sent = new CopyOnWriteArrayList<>();
        final List<CompletableFuture<Void>> writes = new CopyOnWriteArrayList<>();
        final AtomicBoolean closed = new AtomicBoolean();
        final AtomicInteger sentBeforeClose = new AtomicInteger(-1);

        WebSocketConnection proxy() {
            return (WebSocketConnection) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[]{WebSocketConnection.class}, (p, method, args) -> switch (method.getName()) {
                        case "sendText" -> Uni.createFrom().completionStage(() -> {
                            sent.add((String) args[0]);
                            CompletableFuture<Void> w = new CompletableFuture<>();
                            writes.add(w);
                            return w;
                        });
                        case "close" -> Uni.createFrom().item(() -> {
                            sentBeforeClose.set(sent.size());
                            closed.set(true);
                            return null;
                        });
                        case "isClosed" -> closed.get();
                        case "toString" -> "test connection";
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        void writeAll() {
            writes.forEach(w -> w.complete(null));
        }
    }

    @Test
    void aClientThatDoesNotReadFillsTheQueueAndTheDrainHandlerRunsOnceItIsWritten() {
        Connection c = new Connection();
        LogOutput.WebSocket out = new LogOutput.WebSocket(c.proxy());
        String text = "x".repeat(1000);
        int n = 0;
        while (!out.full()) {
            out.line(new LogLine("stdout", Instant.parse("2026-12-05T09:00:00Z"), text));
            n++;
            assertTrue(n < 200, "never full");
        }
        assertTrue(n >= LogOutput.WebSocket.HIGH_WATER / 1100, "full too early: " + n);
        AtomicBoolean drained = new AtomicBoolean();
        out.onDrain(() -> drained.set(true));
        assertFalse(drained.get());
        c.writeAll();
        assertTrue(drained.get());
        assertFalse(out.full());
        assertEquals(n, c.sent.size());
        assertTrue(c.sent.get(0).startsWith("{\"stream\":\"stdout\",\"time\":\"2026-12-05T09:00:00Z\",\"line\":\"xxx"));
    }

    @Test
    void theEndMessageGoesBeforeTheNormalCloseAndNothingAfterIt() {
        Connection c = new Connection();
        LogOutput.WebSocket out = new LogOutput.WebSocket(c.proxy());
        out.end("deleted");
        out.line(new LogLine("stderr", null, "late"));
        out.close();
        assertEquals(List.of("{\"event\":\"end\",\"reason\":\"deleted\"}"), c.sent);
        assertEquals(1, c.sentBeforeClose.get());
        assertTrue(out.gone());
        assertFalse(out.full());
    }
}
