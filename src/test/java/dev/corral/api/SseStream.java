package dev.corral.api;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A server-sent-events stream read as a client reads it: a real HTTP connection
 * (java.net.http), read line by line on a thread of its own, each block of lines one
 * {@link Event}. {@link #close()} drops the connection, as a client that goes away.
 */
final class SseStream implements AutoCloseable {

    /** One block: its fields as sent ({@code comment} for a {@code :} line); null when absent. */
    record Event(String id, String event, String data, String comment) {
    }

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private final HttpResponse<InputStream> response;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Thread reader;
    private volatile boolean ended;

    private SseStream(HttpResponse<InputStream> response) {
        this.response = response;
        this.reader = new Thread(this::read, "sse-test-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens {@code pathAndQuery} on the test app; {@code headers} are name, value pairs. */
    static SseStream open(int port, String pathAndQuery, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + pathAndQuery))
                .header("Accept", "text/event-stream");
        for (int i = 0; i < headers.length; i += 2) {
            b.setHeader(headers[i], headers[i + 1]);
        }
        return new SseStream(CLIENT.send(b.GET().build(), HttpResponse.BodyHandlers.ofInputStream()));
    }

    int status() {
        return response.statusCode();
    }

    String contentType() {
        return response.headers().firstValue("Content-Type").orElse("");
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String id = null;
            String event = null;
            StringBuilder data = null;
            String comment = null;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isEmpty()) {
                    if (id != null || event != null || data != null || comment != null) {
                        events.add(new Event(id, event, data == null ? null : data.toString(), comment));
                    }
                    id = event = comment = null;
                    data = null;
                    continue;
                }
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                value = value.startsWith(" ") ? value.substring(1) : value;
                switch (field) {
                    case "" -> comment = value;
                    case "id" -> id = value;
                    case "event" -> event = value;
                    case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                    default -> { }
                }
            }
        } catch (IOException e) {
            // closed by the test, or by the server
        } finally {
            ended = true;
        }
    }

    /** The next block, waiting at most {@code timeout}; fails the test if none comes. */
    Event next(Duration timeout) throws InterruptedException {
        Event e = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (e == null) {
            throw new AssertionError("no server-sent event within " + timeout + (ended ? " (the stream ended)" : ""));
        }
        return e;
    }

    /** The next {@code n} blocks that are events (not bookmarks or comments). */
    List<Event> nextEvents(int n, Duration timeout) throws InterruptedException {
        List<Event> out = new ArrayList<>();
        while (out.size() < n) {
            Event e = next(timeout);
            if (e.event() != null) {
                out.add(e);
            }
        }
        return out;
    }

    /** True once the server ended the stream. */
    boolean ended() {
        return ended;
    }

    /** Blocks received and not taken yet. */
    List<Event> pending() {
        return new ArrayList<>(events);
    }

    @Override
    public void close() {
        try {
            response.body().close();
        } catch (IOException e) {
            // going away anyway
        }
        reader.interrupt();
    }
}
