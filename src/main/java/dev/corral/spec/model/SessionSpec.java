package dev.corral.spec.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * A Session's spec, read once from the validated, defaulted JSON ({@code network.internal} is
 * filled in by the schema).
 *
 * @param internalNetwork the session network has no route out
 * @param ttlSeconds      how long the session lives after its creation, or null: until deleted
 */
public record SessionSpec(boolean internalNetwork, Long ttlSeconds) {

    /** @param spec the {@code spec} of a Session that went through {@code SpecValidator} */
    public static SessionSpec of(JsonNode spec) {
        Defaulted.require(spec.path("network"), "Session spec network", "internal");
        return new SessionSpec(spec.get("network").get("internal").asBoolean(),
                spec.hasNonNull("ttlSeconds") ? spec.get("ttlSeconds").asLong() : null);
    }

    /** When a session created at {@code createdAt} expires; null when it has no TTL or no creation time. */
    public Instant expiresAt(Instant createdAt) {
        return ttlSeconds == null || createdAt == null ? null : createdAt.plusSeconds(ttlSeconds);
    }
}
