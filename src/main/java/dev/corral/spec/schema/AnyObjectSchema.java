package dev.corral.spec.schema;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * Any JSON object, kept as given (tool parameters). Depth and size are bounded by the parser;
 * numbers must be finite (a JSON {@code 1e400} is Infinity once parsed), as in YAML.
 */
public final class AnyObjectSchema extends Schema {

    @Override
    public JsonNode check(JsonNode node, String path, List<FieldError> errors) {
        if (!node.isObject()) {
            return wrongType(node, path, errors);
        }
        refuseNonFinite(node, path, errors);
        return node.deepCopy();
    }

    @Override
    protected String typeName() {
        return "an object";
    }
}
