package dev.corral.spec.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An object with known fields. Unknown fields are errors (strict, like server-side validation);
 * some names are refused with a reason ({@code privileged}); a JSON {@code null} counts as
 * absent; defaults fill absent fields; rules check relations between fields once every field
 * holds (rules must tolerate fields that failed their own checks).
 */
public final class ObjectSchema extends Schema {

    /** Only for defaults, which are plain values: no module or setting of Corral's mapper matters. */
    private static final ObjectMapper PLAIN = new ObjectMapper();

    /** A check across fields of a valid object; adds errors with paths under {@code path}. */
    @FunctionalInterface
    public interface Rule {
        void check(ObjectNode object, String path, List<FieldError> errors);
    }

    private record Field(Schema schema, boolean required, JsonNode defaultValue) { }

    private final Map<String, Field> fields = new LinkedHashMap<>();
    private final Map<String, String> refused = new LinkedHashMap<>();
    private final List<Rule> rules = new ArrayList<>();

    public ObjectSchema required(String name, Schema schema) {
        fields.put(name, new Field(schema, true, null));
        return this;
    }

    public ObjectSchema optional(String name, Schema schema) {
        fields.put(name, new Field(schema, false, null));
        return this;
    }

    /** An optional field that is filled in with {@code defaultValue} when absent. */
    public ObjectSchema optional(String name, Schema schema, Object defaultValue) {
        fields.put(name, new Field(schema, false, toNode(defaultValue)));
        return this;
    }

    /** A default given as a Java value (a string, a boolean, a number, a list or map of such) or a tree. */
    private static JsonNode toNode(Object value) {
        return PLAIN.valueToTree(value);
    }

    /** A field name that is never accepted, with the reason given to the user. */
    public ObjectSchema refuse(String name, String reason) {
        refused.put(name, reason);
        return this;
    }

    public ObjectSchema rule(Rule rule) {
        rules.add(rule);
        return this;
    }

    @Override
    public JsonNode check(JsonNode node, String path, List<FieldError> errors) {
        if (!node.isObject()) {
            return wrongType(node, path, errors);
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            String p = child(path, name);
            Field field = fields.get(name);
            if (refused.containsKey(name)) {
                error(errors, p, refused.get(name));
            } else if (field == null) {
                error(errors, p, "unknown field" + suggestion());
            } else if (!e.getValue().isNull()) {
                out.set(name, field.schema.check(e.getValue(), p, errors));
            }
        }
        for (Map.Entry<String, Field> e : fields.entrySet()) {
            if (out.has(e.getKey()) || node.hasNonNull(e.getKey())) {
                continue;
            }
            Field f = e.getValue();
            if (f.required) {
                error(errors, child(path, e.getKey()), "is required");
            } else if (f.defaultValue != null) {
                out.set(e.getKey(), f.defaultValue.deepCopy());
            }
        }
        for (Rule rule : rules) {
            rule.check(out, path, errors);
        }
        return out;
    }

    private String suggestion() {
        return " (allowed: " + String.join(", ", fields.keySet()) + ")";
    }

    /** Field names this schema knows, in declaration order. */
    public java.util.Set<String> fieldNames() {
        return fields.keySet();
    }

    @Override
    protected String typeName() {
        return "an object";
    }
}
