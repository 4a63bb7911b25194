package dev.corral.runtime;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What every Docker call shares: the two clients, the instance label, engine errors mapped to
 * {@link EngineException} and each call timed in {@code corral_docker_api_seconds{operation}}.
 */
final class DockerCalls {

    /**
     * {@code corral_docker_api_seconds}'s buckets: an inspect answers in about a millisecond, a create or a
     * start in tens to hundreds; pulls and long execs land in the top ones.
     */
    private static final Duration[] BUCKETS = {Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};

    private final DockerClient client;
    private final DockerClient eventsClient;
    private final MeterRegistry registry;
    private final String instance;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    DockerCalls(DockerClient client, DockerClient eventsClient, MeterRegistry registry, String instance) {
        this.client = client;
        this.eventsClient = eventsClient;
        this.registry = registry;
        this.instance = instance;
    }

    DockerClient client() {
        return client;
    }

    /** A client without a read timeout: the event stream may be quiet for hours, attachments last a run. */
    DockerClient eventsClient() {
        return eventsClient;
    }

    String instance() {
        return instance;
    }

    static void closeQuietly(java.io.Closeable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (java.io.IOException ignored) {
            // abandoning the stream
        }
    }

    static String utf8(byte[] b) {
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

    <T> T call(String operation, Supplier<T> body) {
        Timer.Sample sample = Timer.start(registry);
        try {
            return body.get();
        } catch (NotModifiedException e) {
            throw new EngineException(304, "not modified", e);
        } catch (ConflictException e) {
            throw new NameConflictException(message(e), e);
        } catch (NotFoundException e) {
            throw new EngineException(404, message(e), e);
        } catch (DockerException e) {
            throw new EngineException(e.getHttpStatus(), message(e), e);
        } catch (EngineException e) {
            throw e;
        } catch (java.lang.RuntimeException e) {
            // Transport failures (engine down, socket gone) arrive as unchecked I/O errors.
            throw new EngineException(0, "Docker engine did not answer: " + rootMessage(e), e);
        } finally {
            sample.stop(timers.computeIfAbsent(operation, op -> Timer.builder("corral_docker_api_seconds")
                    .description("Docker API calls by operation").serviceLevelObjectives(BUCKETS).tag("operation", op)
                    .register(registry)));
        }
    }

    /** docker-java prefixes messages with "Status 404: {"message":"..."}"; keep the engine's words. */
    private static String message(DockerException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        int i = m.indexOf("\"message\":\"");
        if (i >= 0) {
            int end = m.indexOf("\"}", i);
            return m.substring(i + 11, end > 0 ? end : m.length()).replace("\\\"", "\"");
        }
        return m.trim();
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    Map<String, String> stamped(Map<String, String> labels) {
        Map<String, String> l = new java.util.TreeMap<>(labels);
        l.put(Labels.INSTANCE, instance);
        return l;
    }

    static Map<String, String> labels(Map<String, String> l) {
        return l == null ? Map.of() : l;
    }

    static Instant time(String s) {
        if (s == null || s.isEmpty() || s.startsWith("0001-")) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }
}
