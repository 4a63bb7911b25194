package dev.corral.spec;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.spec.schema.FieldError;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * Turns a request body or a file into JSON trees, one per document. YAML may hold many
 * documents separated by {@code ---}; JSON may be one object, an array, or {@code {"items": [...]}}
 * (so may a YAML document). Anything malformed becomes an {@link InvalidSpecException} that says
 * where, never another exception.
 */
public final class SpecParser {

    public enum Format { YAML, JSON }

    private SpecParser() {
    }

    /** Parses a request body: at least one document is required. */
    public static List<JsonNode> parse(byte[] body, Format format) {
        List<JsonNode> docs = parseAll(body, format);
        if (docs.isEmpty()) {
            throw invalid(null, "", "the body holds no document");
        }
        return docs;
    }

    /** Parses a body or file that may hold no document at all (an emptied spec file). */
    public static List<JsonNode> parseAll(byte[] body, Format format) {
        String text = decodeUtf8(body);
        if (text.isBlank()) {
            return List.of();
        }
        List<JsonNode> roots = format == Format.JSON ? parseJson(body) : parseYaml(text);
        List<JsonNode> docs = new ArrayList<>();
        for (JsonNode root : roots) {
            if (root.isArray()) {
                root.forEach(docs::add);
            } else if (isList(root)) {
                root.get("items").forEach(docs::add);
            } else {
                docs.add(root);
            }
        }
        return docs;
    }

    /** {@code {"items": [...]}}, optionally with {@code kind: List} and an apiVersion, like kubectl's List. */
    private static boolean isList(JsonNode root) {
        if (!root.isObject() || !root.path("items").isArray()) {
            return false;
        }
        for (var it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("items") && !f.equals("apiVersion") && !(f.equals("kind") && root.get(f).asText().equals("List"))) {
                return false;
            }
        }
        return true;
    }

    private static String decodeUtf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw invalid(null, "", "the body is not valid UTF-8 text");
        }
    }

    private static List<JsonNode> parseJson(byte[] body) {
        try {
            JsonNode root = Json.MAPPER.reader()
                    .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .readTree(body);
            return List.of(root);
        } catch (JacksonException e) {
            JsonLocation loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw invalid(null, "", "JSON syntax error" + where + ": " + inOurWords(e.getOriginalMessage()));
        } catch (java.io.IOException e) {
            throw invalid(null, "", "unreadable JSON: " + e.getMessage());
        }
    }

    private static final java.util.regex.Pattern LIMIT = java.util.regex.Pattern.compile(
            "^(Number value|String value|Document nesting depth|Name) (?:length )?\\((\\d+)\\) exceeds the maximum allowed \\((\\d+).*$",
            java.util.regex.Pattern.DOTALL);

    /**
     * Jackson's message in Corral's words: its limit messages name its own classes and methods
     * (StreamReadConstraints...), which mean nothing to a user; the rest is cut at the first line
     * and stripped of source descriptions.
     */
    static String inOurWords(String message) {
        if (message == null) {
            return "unreadable JSON";
        }
        java.util.regex.Matcher m = LIMIT.matcher(message);
        if (m.matches()) {
            return switch (m.group(1)) {
                case "Number value" -> "a number of " + m.group(2) + " characters; the limit is " + m.group(3)
                        + " (send longer values as strings)";
                case "String value" -> "a string of " + m.group(2) + " characters; the limit is " + m.group(3);
                case "Name" -> "a key of " + m.group(2) + " characters; the limit is " + m.group(3);
                default -> "nesting depth " + m.group(2) + " is over the limit of " + m.group(3) + " levels";
            };
        }
        String line = firstLine(message).replaceAll("\\s*\\((?:from|through reference chain|for Object starting)[^)]*\\)", "")
                .replaceAll("\\s*at \\[Source:.*$", "");
        if (line.contains("com.fasterxml") || line.contains("jackson")) {
            return "unreadable JSON";
        }
        return line;
    }

    private static List<JsonNode> parseYaml(String text) {
        List<JsonNode> docs = new ArrayList<>();
        try {
            for (Object doc : YamlSupport.loader(text.length()).loadAll(text)) {
                if (doc != null) {
                    docs.add(toTree(doc, docs.size(), ""));
                }
            }
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark();
            String where = m == null ? "" : " at line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1);
            throw invalid(docs.size(), "", "YAML syntax error" + where + ": " + e.getProblem());
        } catch (YAMLException e) {
            throw invalid(docs.size(), "", "YAML error: " + firstLine(e.getMessage()));
        } catch (StackOverflowError e) {
            throw invalid(docs.size(), "", "YAML nesting is too deep (limit " + Json.MAX_DEPTH + ")");
        }
        return docs;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable document";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Converts what snakeyaml built into a JSON tree, refusing what JSON cannot hold. */
    private static JsonNode toTree(Object value, int doc, String path) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (value == null) {
            return f.nullNode();
        } else if (value instanceof String s) {
            return f.textNode(s);
        } else if (value instanceof Boolean b) {
            return f.booleanNode(b);
        } else if (value instanceof Integer i) {
            return f.numberNode(i);
        } else if (value instanceof Long l) {
            return f.numberNode(l);
        } else if (value instanceof BigInteger b) {
            return f.numberNode(b);
        } else if (value instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                throw invalid(doc, path, "must be a finite number");
            }
            return f.numberNode(d);
        } else if (value instanceof Date d) {
            return f.textNode(d.toInstant().toString());
        } else if (value instanceof List<?> list) {
            ArrayNode a = f.arrayNode(list.size());
            for (int i = 0; i < list.size(); i++) {
                a.add(toTree(list.get(i), doc, path + "[" + i + "]"));
            }
            return a;
        } else if (value instanceof Map<?, ?> map) {
            ObjectNode o = f.objectNode();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                Object k = e.getKey();
                if (!(k instanceof String) && !(k instanceof Number) && !(k instanceof Boolean)) {
                    throw invalid(doc, path, "map keys must be strings");
                }
                String key = String.valueOf(k);
                o.set(key, toTree(e.getValue(), doc, path.isEmpty() ? key : path + "." + key));
            }
            return o;
        }
        if (value instanceof YamlSupport.UnsupportedTag t) {
            throw invalid(doc, path, "the YAML tag " + t.tag() + " is not supported (use plain maps, lists and scalars)");
        }
        throw invalid(doc, path, "values of type " + value.getClass().getSimpleName()
                + " (a YAML tag such as !!binary or !!set) are not supported");
    }

    private static InvalidSpecException invalid(Integer doc, String path, String message) {
        return new InvalidSpecException(List.of(new FieldError(doc, path, message)));
    }
}
