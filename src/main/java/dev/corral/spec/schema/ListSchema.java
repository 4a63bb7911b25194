package dev.corral.spec.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.util.List;

/** A list whose items all follow one schema, with an inclusive size range. */
public final class ListSchema extends Schema {

    private final Schema items;
    private final int minItems;
    private final int maxItems;

    public ListSchema(Schema items, int minItems, int maxItems) {
        this.items = items;
        this.minItems = minItems;
        this.maxItems = maxItems;
    }

    @Override
    public JsonNode check(JsonNode node, String path, List<FieldError> errors) {
        if (!node.isArray()) {
            return wrongType(node, path, errors);
        }
        if (node.size() < minItems) {
            error(errors, path, minItems == 1 ? "must not be empty" : "must have at least " + minItems + " items");
        }
        if (node.size() > maxItems) {
            error(errors, path, "must have at most " + maxItems + " items (it has " + node.size() + ")");
            return node;
        }
        ArrayNode out = JsonNodeFactory.instance.arrayNode(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            if (item.isNull()) {
                error(errors, index(path, i), "must not be null");
                continue;
            }
            out.add(items.check(item, index(path, i), errors));
        }
        return out;
    }

    @Override
    protected String typeName() {
        return "a list";
    }
}
