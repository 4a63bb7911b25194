package dev.corral.spec.schema;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/** {@code true} or {@code false}. */
public final class BooleanSchema extends Schema {

    @Override
    public JsonNode check(JsonNode node, String path, List<FieldError> errors) {
        return node.isBoolean() ? node : wrongType(node, path, errors);
    }

    @Override
    protected String typeName() {
        return "true or false";
    }
}
