package dev.corral.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.corral.spec.Json;
import dev.corral.spec.SpecObject;

import java.util.UUID;

/** What {@code POST /runs} and the seeds' run endpoints accept, as the ToolRun document they stand for. */
final class RunRequests {

    private RunRequests() {
    }

    /** The short forms, or a full spec, as a ToolRun document with a generated name if it has none. */
    static ObjectNode toolRun(ObjectNode body) {
        if (body.has("kind") || body.has("apiVersion")) {
            ObjectNode doc = body.deepCopy();
            JsonNode meta = doc.get("metadata");
            if (meta == null || meta.isNull()) {
                meta = doc.putObject("metadata");
            }
            if (meta.isObject() && !meta.has("name")) {
                ((ObjectNode) meta).put("name", generatedName());
            }
            return doc;
        }
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("apiVersion", SpecObject.API_VERSION).put("kind", "ToolRun");
        ObjectNode meta = doc.putObject("metadata");
        // As given, not as text: "name": null, true or 0 must be refused by validation, not become a run named "null".
        meta.set("name", body.has("name") ? body.get("name") : TextNode.valueOf(generatedName()));
        if (body.has("session")) {
            meta.set("session", body.get("session"));
        }
        ObjectNode spec = doc.putObject("spec");
        body.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("name") && !e.getKey().equals("session")) {
                spec.set(e.getKey(), e.getValue());
            }
        });
        return doc;
    }

    private static String generatedName() {
        return "run-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }
}
