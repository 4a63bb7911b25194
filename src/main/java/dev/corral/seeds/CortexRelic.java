package dev.corral.seeds;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.spec.SpecObject;

import java.util.LinkedHashMap;
import java.util.Map;

/** A Relic as Cortex-Prime's relic reply (snake_case). */
final class CortexRelic {

    private CortexRelic() {
    }

    /** Its id: {@code relic_} and twelve hex digits of its uid, stable for the object's life, as the seed's are. */
    static String id(SpecObject relic) {
        String uid = relic.metadata().uid() == null ? "" : relic.metadata().uid().replace("-", "");
        return "relic_" + uid.substring(0, Math.min(12, uid.length()));
    }

    static Map<String, Object> of(SpecObject relic, SpecObject session) {
        JsonNode s = relic.status();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("relic_id", id(relic));
        m.put("relic_name", SeedNames.seedName(relic));
        m.put("session_id", relic.metadata().annotations().getOrDefault(SeedNames.SESSION_ANNOTATION, relic.metadata().session()));
        m.put("status", ContainerState.of(relic));
        m.put("phase", s == null ? null : s.path("phase").asText(null));
        m.put("message", s == null ? null : s.path("message").asText(null));
        m.put("container_id", s == null ? null : s.path("containerId").asText(null));
        m.put("container_name", s == null ? null : s.path("containerName").asText(null));
        m.put("network_id", session == null || session.status() == null ? null : session.status().path("network").asText(null));
        m.put("internal_url", s == null ? null : s.path("internalUrl").asText(null));
        m.put("healthy", ContainerState.healthy(relic));
        m.put("image", relic.spec().path("image").asText(null));
        m.put("restarts", s == null ? 0 : s.path("restarts").asInt(0));
        m.put("created_at", relic.metadata().createdAt() == null ? null : relic.metadata().createdAt().toString());
        m.put("expires_at", relic.spec().hasNonNull("lifetimeSeconds") && relic.metadata().createdAt() != null
                ? relic.metadata().createdAt().plusSeconds(relic.spec().get("lifetimeSeconds").asLong()).toString() : null);
        return m;
    }
}
