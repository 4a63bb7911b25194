package dev.corral.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.spec.schema.FieldError;
import dev.corral.spec.schema.ObjectSchema;
import dev.corral.spec.schema.Schema;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Server-side validation of parsed documents: the envelope ({@code apiVersion}, {@code kind},
 * {@code metadata}), the session rules of each kind, and the kind's spec schema. Every error of
 * every document is collected; a valid document comes back as a {@link SpecObject} with its
 * defaults filled in and any client-sent {@code status} dropped.
 */
public final class SpecValidator {

    private static final Set<String> ENVELOPE = Set.of("apiVersion", "kind", "metadata", "spec", "status");

    private final Map<Kind, ObjectSchema> specs;
    private final ObjectSchema metadata = KindSchemas.metadata();

    public SpecValidator(HostPaths codeRoots) {
        this.specs = KindSchemas.build(codeRoots);
    }

    /** Validates every document; throws with all errors (each naming its document) if any is invalid. */
    public List<SpecObject> validateAll(List<JsonNode> docs) {
        List<FieldError> errors = new ArrayList<>();
        List<SpecObject> valid = new ArrayList<>(docs.size());
        Map<ObjectKey, Integer> seen = new HashMap<>();
        for (int i = 0; i < docs.size(); i++) {
            List<FieldError> docErrors = new ArrayList<>();
            SpecObject o = validate(docs.get(i), docErrors);
            if (o != null && docErrors.isEmpty()) {
                Integer first = seen.putIfAbsent(o.key(), i);
                if (first != null) {
                    docErrors.add(new FieldError(null, "metadata.name",
                            o.key().describe() + " is also declared by documents[" + first + "]"));
                }
                valid.add(o);
            }
            for (FieldError e : docErrors) {
                errors.add(e.withDocument(i));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidSpecException(errors);
        }
        return valid;
    }

    /** Validates one document; adds errors (without a document index) and returns null when invalid. */
    public SpecObject validate(JsonNode doc, List<FieldError> errors) {
        if (!doc.isObject()) {
            errors.add(new FieldError(null, "", "each document must be an object with apiVersion, kind, metadata and spec"));
            return null;
        }
        int before = errors.size();
        // First the limits every stored value must meet, whichever parser read it: past them, nothing else is checked.
        List<FieldError> limits = JsonLimits.check(doc, "");
        if (!limits.isEmpty()) {
            errors.addAll(limits);
            return null;
        }
        for (Iterator<String> it = doc.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!ENVELOPE.contains(f)) {
                errors.add(new FieldError(null, f, "unknown field (allowed: apiVersion, kind, metadata, spec, status)"));
            }
        }
        JsonNode apiVersion = doc.get("apiVersion");
        if (apiVersion == null || apiVersion.isNull()) {
            errors.add(new FieldError(null, "apiVersion", "is required (" + SpecObject.API_VERSION + ")"));
        } else if (!SpecObject.API_VERSION.equals(apiVersion.asText()) || !apiVersion.isTextual()) {
            errors.add(new FieldError(null, "apiVersion",
                    "unsupported apiVersion \"" + apiVersion.asText() + "\" (supported: " + SpecObject.API_VERSION + ")"));
        }
        JsonNode status = doc.get("status");
        if (status != null) {
            // Ignored, but refused like anywhere else when it holds what YAML cannot (Infinity from a JSON 1e400).
            Schema.refuseNonFinite(status, "status", errors);
        }
        Kind kind = kindOf(doc.get("kind"), errors);
        JsonNode meta = doc.get("metadata");
        ObjectNode checkedMeta = null;
        if (meta == null || meta.isNull()) {
            errors.add(new FieldError(null, "metadata", "is required (at least metadata.name)"));
        } else {
            JsonNode m = metadata.check(meta, "metadata", errors);
            checkedMeta = m instanceof ObjectNode o ? o : null;
        }
        if (kind != null && checkedMeta != null) {
            checkSession(kind, checkedMeta, errors);
        }
        ObjectNode spec = null;
        if (kind != null) {
            JsonNode given = doc.get("spec");
            if (given == null || given.isNull()) {
                given = Json.MAPPER.createObjectNode();
            }
            JsonNode checked = specs.get(kind).check(given, "spec", errors);
            spec = checked instanceof ObjectNode o ? o : null;
        }
        if (errors.size() > before || kind == null || checkedMeta == null || spec == null) {
            return null;
        }
        Metadata md = Metadata.declared(
                checkedMeta.get("name").asText(),
                checkedMeta.hasNonNull("session") ? checkedMeta.get("session").asText() : null,
                stringMap(checkedMeta.get("labels")),
                stringMap(checkedMeta.get("annotations")),
                checkedMeta.hasNonNull("resourceVersion") ? checkedMeta.get("resourceVersion").asLong() : null);
        return new SpecObject(SpecObject.API_VERSION, kind, md, spec, Json.MAPPER.createObjectNode());
    }

    private static Kind kindOf(JsonNode kind, List<FieldError> errors) {
        String known = Arrays.stream(Kind.values()).map(Kind::name).collect(Collectors.joining(", "));
        if (kind == null || kind.isNull()) {
            errors.add(new FieldError(null, "kind", "is required (one of " + known + ")"));
            return null;
        }
        Optional<Kind> k = kind.isTextual() ? Kind.ofSpecName(kind.textValue()) : Optional.empty();
        if (k.isEmpty()) {
            Optional<Kind> hint = Arrays.stream(Kind.values()).filter(x -> x.name().equalsIgnoreCase(kind.asText())).findFirst();
            errors.add(new FieldError(null, "kind", "unknown kind \"" + kind.asText() + "\" ("
                    + hint.map(h -> "did you mean " + h.name() + "?").orElse("known: " + known) + ")"));
        }
        return k.orElse(null);
    }

    private static void checkSession(Kind kind, ObjectNode meta, List<FieldError> errors) {
        boolean has = meta.hasNonNull("session");
        if (kind.sessionScope() == Kind.Scope.REQUIRED && !has) {
            errors.add(new FieldError(null, "metadata.session", "is required: " + article(kind) + " lives in a Session"));
        } else if (kind.sessionScope() == Kind.Scope.FORBIDDEN && has) {
            errors.add(new FieldError(null, "metadata.session", "is not allowed: " + article(kind) + " is not session-scoped"));
        }
    }

    private static String article(Kind kind) {
        return ("AEIOU".indexOf(kind.name().charAt(0)) >= 0 ? "an " : "a ") + kind.name();
    }

    private static Map<String, String> stringMap(JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        Map<String, String> m = new java.util.TreeMap<>();
        node.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }
}
