package dev.corral.spec.schema;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/** A whole number within an inclusive range. */
public final class IntegerSchema extends Schema {

    private final long min;
    private final long max;

    public IntegerSchema(long min, long max) {
        this.min = min;
        this.max = max;
    }

    @Override
    public JsonNode check(JsonNode node, String path, List<FieldError> errors) {
        if (!node.isNumber()) {
            return wrongType(node, path, errors);
        }
        if (!isFinite(node)) {
            // A JSON number too large for a double (1e400) is parsed as Infinity: out of range, like 1e300.
            // (decimalValue() would throw NumberFormatException on it.)
            error(errors, path, Double.isNaN(node.doubleValue()) ? "must be a finite number"
                    : "must be between " + min + " and " + max);
            return node;
        }
        if (!node.isIntegralNumber()) {
            // 1.0, 1E+2 and 3.0000000000000000001 (a double that reads as 3.0) alike: an integer field takes integer literals.
            error(errors, path, "must be a whole number written as an integer (such as 3), not " + node.asText());
            return node;
        }
        if (!node.canConvertToLong() || node.longValue() < min || node.longValue() > max) {
            error(errors, path, "must be between " + min + " and " + max);
        }
        return node;
    }

    @Override
    protected String typeName() {
        return "an integer";
    }
}
