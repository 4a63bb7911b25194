package dev.corral.spec.schema;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.spec.FieldError;

import java.util.List;

/** Any JSON object, kept as given (tool parameters). Depth and size are bounded by the parser. */
public final class AnyObjectSchema extends Schema {

    @Override
    public JsonNode check(JsonNode node, String path, List<FieldError> errors) {
        return node.isObject() ? node.deepCopy() : wrongType(node, path, errors);
    }

    @Override
    protected String typeName() {
        return "an object";
    }
}
