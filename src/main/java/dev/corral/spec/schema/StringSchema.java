package dev.corral.spec.schema;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/** A string with a length range, and optionally a pattern, a set of allowed values or a custom check. */
public final class StringSchema extends Schema {

    private int minLength = 0;
    private int maxLength = 4096;
    private Pattern pattern;
    private String patternMessage;
    private List<String> allowed;
    private Function<String, String> check;

    public StringSchema length(int min, int max) {
        this.minLength = min;
        this.maxLength = max;
        return this;
    }

    public StringSchema pattern(String regex, String message) {
        this.pattern = Pattern.compile(regex);
        this.patternMessage = message;
        return this;
    }

    public StringSchema oneOf(String... values) {
        this.allowed = List.of(values);
        return this;
    }

    /** A custom check returning an error message, or null when the value is fine. */
    public StringSchema check(Function<String, String> check) {
        this.check = check;
        return this;
    }

    Set<String> allowedValues() {
        return allowed == null ? Set.of() : Set.copyOf(allowed);
    }

    @Override
    public JsonNode check(JsonNode node, String path, List<FieldError> errors) {
        if (!node.isTextual()) {
            return wrongType(node, path, errors);
        }
        String s = node.textValue();
        if (allowed != null) {
            if (!allowed.contains(s)) {
                error(errors, path, "must be one of " + String.join(", ", allowed) + ", not \"" + abbreviate(s) + "\"");
            }
            return node;
        }
        if (s.length() < minLength) {
            error(errors, path, minLength == 1 ? "must not be empty" : "must be at least " + minLength + " characters");
        } else if (s.length() > maxLength) {
            error(errors, path, "must be at most " + maxLength + " characters (it has " + s.length() + ")");
        } else if (pattern != null && !pattern.matcher(s).matches()) {
            error(errors, path, patternMessage + ", not \"" + abbreviate(s) + "\"");
        } else if (check != null) {
            String problem = check.apply(s);
            if (problem != null) {
                error(errors, path, problem);
            }
        }
        return node;
    }

    static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
    }

    @Override
    protected String typeName() {
        return "a string";
    }
}
