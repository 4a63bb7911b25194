package dev.corral.spec.schema;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * A node of Corral's spec schema. Like the OpenAPI schemas behind {@code kubectl apply}'s
 * server-side validation, a schema checks a parsed document, reports every problem with its
 * field path, and fills in defaults so that what is stored (and read back) is explicit.
 */
public abstract class Schema {

    /**
     * Checks {@code node} (never null or JSON null: absent values are handled by the parent).
     *
     * @return the normalized node, with defaults filled in; undefined when errors were added
     */
    public abstract JsonNode check(JsonNode node, String path, List<FieldError> errors);

    /** The type word used in "must be a …" messages. */
    protected abstract String typeName();

    protected static void error(List<FieldError> errors, String path, String message) {
        errors.add(new FieldError(null, path, message));
    }

    protected final JsonNode wrongType(JsonNode node, String path, List<FieldError> errors) {
        error(errors, path, "must be " + typeName() + ", not " + describe(node));
        return node;
    }

    static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case BOOLEAN -> "a boolean";
            case NUMBER -> node.isIntegralNumber() ? "an integer" : "a number";
            default -> "null";
        };
    }

    /**
     * False for an infinite or NaN number. JSON has no such values, but Jackson parses a literal
     * too large for a double ({@code 1e400}) as Infinity; YAML's {@code .inf} and {@code .nan}
     * are refused by the parser already.
     */
    public static boolean isFinite(JsonNode node) {
        if (!node.isNumber() || node.isIntegralNumber() || node.isBigDecimal()) {
            return true;
        }
        return Double.isFinite(node.doubleValue());
    }

    /**
     * Reports a non-finite number anywhere inside {@code node} (free-form values that no schema
     * checks, such as ToolRun parameters) with its path, as the YAML parser does.
     *
     * @return whether an error was added
     */
    public static boolean refuseNonFinite(JsonNode node, String path, List<FieldError> errors) {
        if (node.isNumber()) {
            if (!isFinite(node)) {
                error(errors, path, "must be a finite number");
                return true;
            }
            return false;
        }
        boolean found = false;
        if (node.isObject()) {
            for (var it = node.fields(); it.hasNext(); ) {
                var e = it.next();
                found |= refuseNonFinite(e.getValue(), child(path, e.getKey()), errors);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                found |= refuseNonFinite(node.get(i), index(path, i), errors);
            }
        }
        return found;
    }

    /** Joins a parent path and a field name: {@code spec} + {@code image} = {@code spec.image}. */
    public static String child(String path, String field) {
        boolean plain = field.matches("[A-Za-z0-9_-]+");
        if (!plain) {
            return path + "[\"" + field.replace("\"", "\\\"") + "\"]";
        }
        return path.isEmpty() ? field : path + "." + field;
    }

    public static String index(String path, int i) {
        return path + "[" + i + "]";
    }
}
