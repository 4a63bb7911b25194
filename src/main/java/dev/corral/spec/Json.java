package dev.corral.spec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one Jackson configuration used for specs, the store and the API. It lives outside CDI so
 * that the store and the parser work the same in unit tests, in benchmarks and in the app.
 */
public final class Json {

    /** Deepest nesting accepted in any document ({@link JsonLimits#MAX_DEPTH}). */
    public static final int MAX_DEPTH = JsonLimits.MAX_DEPTH;

    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(JsonLimits.documentConstraints());
    }

    /**
     * The store's reader: what the store wrote (documents within {@link JsonLimits}, in records of
     * its own) always reads back, so its limits sit above the document limits.
     */
    public static final ObjectMapper STORE = MAPPER.copy();

    static {
        STORE.getFactory().setStreamReadConstraints(JsonLimits.storeConstraints());
    }

    private Json() {
    }

    /**
     * Equal as JSON values: numbers compare by value, so a tree read back from disk (which holds
     * small numbers as ints) equals the one that was written (which may hold longs).
     */
    public static boolean sameValue(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return a == b;
        }
        return a.equals(NUMBERS_BY_VALUE, b);
    }

    private static final java.util.Comparator<JsonNode> NUMBERS_BY_VALUE = (x, y) -> {
        if (x.equals(y)) {
            return 0;
        }
        if (x.isNumber() && y.isNumber()) {
            return x.decimalValue().compareTo(y.decimalValue());
        }
        return 1;
    };
}
