package dev.corral.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Clients of a log that stays open: server-sent events read as they come, and a WebSocket
 * collecting its text messages. Both record what arrived so far for Awaitility to look at.
 */
public final class LogStreams {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private LogStreams() {
    }

    /** One server-sent event. */
    public record Event(String name, String data) {
    }

    /** A stream of server-sent events being read on a thread of its own. */
    public static final class Sse implements AutoCloseable {
        public final int status;
        public final List<Event> events = new CopyOnWriteArrayList<>();
        public final AtomicBoolean ended = new AtomicBoolean();
        private final Stream<String> lines;

        private Sse(HttpResponse<Stream<String>> response) {
            this.status = response.statusCode();
            this.lines = response.body();
            Thread reader = new Thread(this::read, "sse-test-reader");
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            String name = null;
            try {
                for (String line : (Iterable<String>) lines::iterator) {
                    if (line.startsWith("event: ")) {
                        name = line.substring(7);
                    } else if (line.startsWith("data: ")) {
                        events.add(new Event(name, line.substring(6)));
                    }
                }
            } catch (RuntimeException e) {
                // closed by the test
            }
            ended.set(true);
        }

        /** The data of every event of this name, in order. */
        public List<String> data(String name) {
            List<String> out = new ArrayList<>();
            for (Event e : events) {
                if (name.equals(e.name())) {
                    out.add(e.data());
                }
            }
            return out;
        }

        /** Goes away as a client does: closes the connection. */
        @Override
        public void close() {
            lines.close();
        }
    }

    public static Sse sse(URI uri) {
        try {
            return new Sse(HTTP.send(HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET().build(),
                    HttpResponse.BodyHandlers.ofLines()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A WebSocket whose text messages are collected. */
    public static final class Ws implements WebSocket.Listener, AutoCloseable {
        public final List<String> messages = new CopyOnWriteArrayList<>();
        public final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket socket;

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }

        @Override
        public void close() {
            socket.abort();
        }
    }

    /** Opens a WebSocket; fails (a WebSocketHandshakeException inside) when the upgrade is refused. */
    public static Ws webSocket(URI uri, String... headers) {
        Ws ws = new Ws();
        WebSocket.Builder b = HTTP.newWebSocketBuilder();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        ws.socket = b.buildAsync(uri, ws).join();
        return ws;
    }
}
