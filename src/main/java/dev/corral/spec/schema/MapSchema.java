package dev.corral.spec.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** An object used as a map: keys follow a pattern, values one schema (labels, env, …). */
public final class MapSchema extends Schema {

    private final Pattern keyPattern;
    private final String keyMessage;
    private final Schema values;
    private final int maxEntries;

    public MapSchema(String keyRegex, String keyMessage, Schema values, int maxEntries) {
        this.keyPattern = Pattern.compile(keyRegex);
        this.keyMessage = keyMessage;
        this.values = values;
        this.maxEntries = maxEntries;
    }

    @Override
    public JsonNode check(JsonNode node, String path, List<FieldError> errors) {
        if (!node.isObject()) {
            return wrongType(node, path, errors);
        }
        if (node.size() > maxEntries) {
            error(errors, path, "must have at most " + maxEntries + " entries (it has " + node.size() + ")");
            return node;
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String p = child(path, e.getKey());
            if (!keyPattern.matcher(e.getKey()).matches()) {
                error(errors, p, keyMessage);
            } else if (e.getValue().isNull()) {
                error(errors, p, "must not be null");
            } else {
                out.set(e.getKey(), values.check(e.getValue(), p, errors));
            }
        }
        return out;
    }

    @Override
    protected String typeName() {
        return "an object";
    }
}
