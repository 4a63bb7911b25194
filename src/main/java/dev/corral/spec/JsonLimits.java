package dev.corral.spec;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.corral.spec.schema.FieldError;
import dev.corral.spec.schema.Schema;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The one set of limits for every value Corral accepts, whatever parser read it (a JSON or YAML
 * body, a specs file) and whatever writes it back (the log, the snapshot, a JSON or YAML reply).
 * Why one place: each parser has its own notion of "too big" (Jackson refuses a 65-digit number,
 * snakeyaml reads it happily; Jackson keeps a lone surrogate in a value, no UTF-8 writer can
 * encode it), and a value one of them accepts but another cannot read back either breaks a reply
 * or, once stored, stops the store from loading. So a document is checked against these limits
 * after parsing and before anything is acknowledged, and the store's own reader allows a margin
 * above them (its records wrap documents in a few levels of their own).
 */
public final class JsonLimits {

    /** Deepest nesting in a document: far above any real spec, far below a stack overflow. */
    public static final int MAX_DEPTH = 64;
    /** Longest number literal (digits, sign, point, exponent): a 64-digit integer fits, a 65-digit one does not. */
    public static final int MAX_NUMBER_CHARS = 64;
    /** Longest string; bodies are capped far lower (corral.api.max-body-bytes), this bounds what the store reads. */
    public static final int MAX_STRING_CHARS = 64 * 1024 * 1024;

    /** Levels the store's records add around a document (record, put list, object, status). */
    private static final int STORE_ENVELOPE_DEPTH = 8;

    private JsonLimits() {
    }

    /** The reader limits for requests and files: exactly the document limits. */
    public static StreamReadConstraints documentConstraints() {
        return StreamReadConstraints.builder()
                .maxNestingDepth(MAX_DEPTH)
                .maxStringLength(MAX_STRING_CHARS)
                .maxNumberLength(MAX_NUMBER_CHARS)
                .build();
    }

    /**
     * The reader limits for what the store wrote itself: a document at the limit, wrapped in the
     * store's envelope, must always load (a status may hold a run's result, itself at the limit).
     */
    public static StreamReadConstraints storeConstraints() {
        return StreamReadConstraints.builder()
                .maxNestingDepth(2 * MAX_DEPTH + STORE_ENVELOPE_DEPTH)
                .maxStringLength(Integer.MAX_VALUE)
                .maxNumberLength(MAX_NUMBER_CHARS)
                .build();
    }

    /** Every value in {@code node} that breaks a limit, each with its path under {@code path}. */
    public static List<FieldError> check(JsonNode node, String path) {
        List<FieldError> errors = new ArrayList<>();
        check(node, path, 1, errors);
        return errors;
    }

    private static void check(JsonNode node, String path, int depth, List<FieldError> errors) {
        if (errors.size() >= 20) {
            return; // enough to fix; a hostile document could otherwise make the reply as large as itself
        }
        if (node.isContainerNode() && depth > MAX_DEPTH) {
            errors.add(new FieldError(null, path, "is nested too deeply (the limit is " + MAX_DEPTH + " levels)"));
            return;
        }
        if (node.isTextual()) {
            checkText(node.textValue(), path, "", errors);
        } else if (node.isNumber()) {
            checkNumber(node, path, errors);
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String child = Schema.child(path, printable(e.getKey()));
                if (checkText(e.getKey(), child, "key ", errors)) {
                    check(e.getValue(), child, depth + 1, errors);
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                check(node.get(i), Schema.index(path, i), depth + 1, errors);
            }
        }
    }

    private static boolean checkText(String s, String path, String what, List<FieldError> errors) {
        if (s.length() > MAX_STRING_CHARS) {
            errors.add(new FieldError(null, path, what + "is longer than " + MAX_STRING_CHARS + " characters"));
            return false;
        }
        int bad = firstLoneSurrogate(s);
        if (bad >= 0) {
            errors.add(new FieldError(null, path, what + "holds invalid Unicode: a lone surrogate (\\u"
                    + String.format("%04x", (int) s.charAt(bad)) + ") at character " + bad
                    + ", which no UTF-8 text can carry"));
            return false;
        }
        return true;
    }

    private static void checkNumber(JsonNode n, String path, List<FieldError> errors) {
        // Non-finite numbers (a JSON 1e400) are the schemas' to refuse, with their ranges.
        if (n.isBigInteger() || n.isBigDecimal()) {
            String text = n.isBigInteger() ? n.bigIntegerValue().toString() : n.decimalValue().toString();
            if (text.length() > MAX_NUMBER_CHARS) {
                errors.add(new FieldError(null, path, "is a number of " + text.length() + " characters; the limit is "
                        + MAX_NUMBER_CHARS + " (send longer values as strings)"));
            }
        }
    }

    /** Index of the first unpaired surrogate in {@code s}, or -1 when {@code s} is well-formed UTF-16. */
    public static int firstLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            } else if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /** A key as it may appear in an error path: lone surrogates shown as {@code \\uXXXX}, so the error itself encodes. */
    private static String printable(String key) {
        if (firstLoneSurrogate(key) < 0) {
            return key.length() <= 64 ? key : key.substring(0, 61) + "...";
        }
        return repair(key);
    }

    /** {@code s} with every lone surrogate replaced by its {@code \\uXXXX} escape. */
    public static String repair(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                b.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * Makes Corral's own output (a status: a run's stdout cut at a cap, a result a run wrote)
     * encodable: lone surrogates in keys and values become {@code \\uXXXX} text. Users' documents
     * are refused instead ({@link #check}); status is what Corral saw, and it must always be written.
     *
     * @return {@code node} itself when it was clean, else a repaired copy
     */
    public static ObjectNode repairText(ObjectNode node) {
        if (clean(node)) {
            return node;
        }
        return (ObjectNode) repaired(node);
    }

    private static boolean clean(JsonNode n) {
        if (n.isTextual()) {
            return firstLoneSurrogate(n.textValue()) < 0;
        }
        if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (firstLoneSurrogate(e.getKey()) >= 0 || !clean(e.getValue())) {
                    return false;
                }
            }
        } else if (n.isArray()) {
            for (JsonNode c : n) {
                if (!clean(c)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static JsonNode repaired(JsonNode n) {
        if (n.isTextual()) {
            return TextNode.valueOf(repair(n.textValue()));
        }
        if (n.isObject()) {
            ObjectNode o = Json.MAPPER.createObjectNode();
            n.fields().forEachRemaining(e -> o.set(repair(e.getKey()), repaired(e.getValue())));
            return o;
        }
        if (n.isArray()) {
            var a = Json.MAPPER.createArrayNode();
            n.forEach(c -> a.add(repaired(c)));
            return a;
        }
        return n;
    }
}
