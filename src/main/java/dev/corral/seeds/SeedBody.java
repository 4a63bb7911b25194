package dev.corral.seeds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.api.ApiException;
import dev.corral.spec.Json;

/**
 * A seed's JSON body read field by field, each refusal a 400 naming the field's path as the seed
 * spells it ({@code resource_limits.memory_mb}). Fields the adapter does not know are ignored, as
 * the seeds' own framework (FastAPI with pydantic's defaults) ignores them.
 */
public final class SeedBody {

    private final JsonNode body;

    private SeedBody(JsonNode body) {
        this.body = body;
    }

    /** The body, which must be a JSON object ({@code what} names its fields, for the error). */
    public static SeedBody of(JsonNode body, String what) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("the body must be a JSON object: " + what);
        }
        return new SeedBody(body);
    }

    private JsonNode at(String path) {
        JsonNode n = body;
        for (String part : path.split("\\.")) {
            n = n == null || n.isNull() ? null : n.get(part);
        }
        return n == null || n.isNull() ? null : n;
    }

    public String text(String path, boolean required) {
        JsonNode n = at(path);
        if (n == null) {
            if (required) {
                throw ApiException.badRequest(path + ": is required");
            }
            return null;
        }
        if (!n.isTextual() || n.asText().isBlank()) {
            throw ApiException.badRequest(path + ": must be a non-empty string");
        }
        return n.asText();
    }

    /** A seed's id or name: 1 to {@link SeedNames#MAX_SEED_NAME} printable characters. */
    public String name(String path) {
        String s = text(path, true);
        if (s.length() > SeedNames.MAX_SEED_NAME || !s.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw ApiException.badRequest(path + ": must be 1 to " + SeedNames.MAX_SEED_NAME
                    + " printable ASCII characters without spaces");
        }
        return s;
    }

    public Integer integer(String path, int min, int max) {
        JsonNode n = at(path);
        if (n == null) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < min || n.intValue() > max) {
            throw ApiException.badRequest(path + ": must be a whole number from " + min + " to " + max);
        }
        return n.intValue();
    }

    public Double number(String path, double min, double max) {
        JsonNode n = at(path);
        if (n == null) {
            return null;
        }
        if (!n.isNumber() || n.doubleValue() < min || n.doubleValue() > max) {
            throw ApiException.badRequest(path + ": must be a number from " + min + " to " + max);
        }
        return n.doubleValue();
    }

    public Boolean bool(String path) {
        JsonNode n = at(path);
        if (n == null) {
            return null;
        }
        if (!n.isBoolean()) {
            throw ApiException.badRequest(path + ": must be true or false");
        }
        return n.booleanValue();
    }

    /** An object of strings (environment variables): numbers and booleans are taken as their text. */
    public ObjectNode strings(String path) {
        JsonNode n = at(path);
        if (n == null) {
            return null;
        }
        if (!n.isObject()) {
            throw ApiException.badRequest(path + ": must be an object of names to strings");
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        n.fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            if (!v.isValueNode() || v.isNull()) {
                throw ApiException.badRequest(path + "." + e.getKey() + ": must be a string");
            }
            out.put(e.getKey(), v.asText());
        });
        return out;
    }

    /** The object at {@code path} as it is (parameters), or null. */
    public ObjectNode object(String path) {
        JsonNode n = at(path);
        if (n == null) {
            return null;
        }
        if (!n.isObject()) {
            throw ApiException.badRequest(path + ": must be an object");
        }
        return (ObjectNode) n;
    }

    /** {@code value}, or {@code otherwise} when the field was absent (null). */
    static <T> T or(T value, T otherwise) {
        return value != null ? value : otherwise;
    }
}
