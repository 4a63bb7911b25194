package dev.corral.ownership;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.corral.spec.Json;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The one recipe for the {@code corral.dev/spec-hash} label: SHA-256 of the canonical JSON of a value
 * (map keys sorted), shortened to 16 hex digits. A container whose label differs from the hash of
 * what is wanted now is re-created (a relic) or retired (an idle warm container).
 */
public final class SpecHash {

    private SpecHash() {
    }

    /** @param value a Jackson tree, a map, a list or a record of such values */
    public static String of(Object value) {
        try {
            Object plain = value instanceof com.fasterxml.jackson.databind.JsonNode n
                    ? Json.MAPPER.treeToValue(n, Object.class) : value;
            byte[] canonical = Json.MAPPER.writer().with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                    .writeValueAsBytes(plain);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical);
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
