package dev.corral.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.time.Instant;
import java.util.Map;

/**
 * Object metadata. {@code name}, {@code session}, {@code labels} and {@code annotations} come
 * from the user; the rest is set by Corral and ignored when a client sends it, except
 * {@code resourceVersion}, which a client may send as an optimistic-concurrency precondition.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"name", "session", "labels", "annotations", "uid", "generation", "resourceVersion",
        "createdAt", "updatedAt", "source"})
public record Metadata(
        String name,
        String session,
        Map<String, String> labels,
        Map<String, String> annotations,
        String uid,
        Long generation,
        Long resourceVersion,
        Instant createdAt,
        Instant updatedAt,
        String source) {

    public Metadata {
        // Sorted: the order of labels in every reply is the same before and after a restart.
        labels = sorted(labels);
        annotations = sorted(annotations);
    }

    private static Map<String, String> sorted(Map<String, String> m) {
        return m == null || m.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(m));
    }

    /** Metadata as a client declares it: user fields plus an optional resourceVersion precondition. */
    public static Metadata declared(String name, String session, Map<String, String> labels,
                                    Map<String, String> annotations, Long resourceVersion) {
        return new Metadata(name, session, labels, annotations, null, null, resourceVersion, null, null, null);
    }

    public Metadata withStored(String uid, long generation, long resourceVersion, Instant createdAt,
                               Instant updatedAt, String source) {
        return new Metadata(name, session, labels, annotations, uid, generation, resourceVersion, createdAt,
                updatedAt, source);
    }

    public Metadata withResourceVersion(long rv, Instant updatedAt) {
        return new Metadata(name, session, labels, annotations, uid, generation, rv, createdAt, updatedAt, source);
    }
}
