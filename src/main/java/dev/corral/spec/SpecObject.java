package dev.corral.spec;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One Corral object: {@code apiVersion}, {@code kind}, {@code metadata}, {@code spec} and
 * {@code status}. Instances are treated as immutable: the JSON trees are never modified after
 * construction (callers that need a changed tree copy it first).
 */
@JsonPropertyOrder({"apiVersion", "kind", "metadata", "spec", "status"})
public record SpecObject(String apiVersion, Kind kind, Metadata metadata, ObjectNode spec,
                         @JsonInclude(JsonInclude.Include.NON_NULL) ObjectNode status) {

    public static final String API_VERSION = "corral.dev/v1";

    @JsonIgnore
    public ObjectKey key() {
        return ObjectKey.of(kind, metadata.session(), metadata.name());
    }

    @JsonIgnore
    public long resourceVersion() {
        return metadata.resourceVersion() == null ? 0 : metadata.resourceVersion();
    }

    /**
     * The object as a client would declare it, ready to apply elsewhere: its name, session, labels,
     * annotations and spec, without status and without what the server set (uid, generation,
     * resourceVersion, times, source).
     */
    public SpecObject exported() {
        return new SpecObject(apiVersion, kind, Metadata.declared(metadata.name(), metadata.session(), metadata.labels(),
                metadata.annotations(), null), spec, null);
    }

    public SpecObject withMetadata(Metadata m) {
        return new SpecObject(apiVersion, kind, m, spec, status);
    }

    public SpecObject withStatus(ObjectNode newStatus, long rv, java.time.Instant now) {
        return new SpecObject(apiVersion, kind, metadata.withResourceVersion(rv, now), spec, newStatus);
    }
}
