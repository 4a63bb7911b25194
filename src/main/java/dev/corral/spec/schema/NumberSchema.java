package dev.corral.spec.schema;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/** A number (integer or decimal) within an inclusive range. */
public final class NumberSchema extends Schema {

    private final double min;
    private final double max;

    public NumberSchema(double min, double max) {
        this.min = min;
        this.max = max;
    }

    @Override
    public JsonNode check(JsonNode node, String path, List<FieldError> errors) {
        if (!node.isNumber()) {
            return wrongType(node, path, errors);
        }
        double v = node.doubleValue();
        if (Double.isNaN(v)) {
            error(errors, path, "must be a finite number");
        } else if (!(v >= min && v <= max)) {
            // Also a JSON literal too large for a double (1e400), which Jackson parses as Infinity.
            error(errors, path, "must be between " + trim(min) + " and " + trim(max));
        }
        return node;
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    @Override
    protected String typeName() {
        return "a number";
    }
}
