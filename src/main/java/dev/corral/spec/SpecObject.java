package dev.corral.spec;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One Corral object: {@code apiVersion}, {@code kind}, {@code metadata}, {@code spec} and
 * {@code status}. Instances are treated as immutable: the JSON trees are never modified after
 * construction (callers that need a changed tree copy it first).
 */
@JsonPropertyOrder({"apiVersion", "kind", "metadata", "spec", "status"})
public record SpecObject(String apiVersion, Kind kind, Metadata metadata, ObjectNode spec, ObjectNode status) {

    public static final String API_VERSION = "corral.dev/v1";

    @JsonIgnore
    public ObjectKey key() {
        return ObjectKey.of(kind, metadata.session(), metadata.name());
    }

    @JsonIgnore
    public long resourceVersion() {
        return metadata.resourceVersion() == null ? 0 : metadata.resourceVersion();
    }

    public SpecObject withMetadata(Metadata m) {
        return new SpecObject(apiVersion, kind, m, spec, status);
    }

    public SpecObject withStatus(ObjectNode newStatus, long rv, java.time.Instant now) {
        return new SpecObject(apiVersion, kind, metadata.withResourceVersion(rv, now), spec, newStatus);
    }
}
