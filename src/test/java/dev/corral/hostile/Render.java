package dev.corral.hostile;

import java.util.List;
import java.util.Map;

/**
 * Writes a tree of maps, lists, strings, numbers, booleans and nulls as JSON or YAML, by hand, so
 * that a test controls every byte: {@link HostileGen.Tok} tokens go in verbatim (numbers such as
 * {@code 1E+2} or {@code 1e400}, YAML tags), and strings holding lone surrogates or control
 * characters are written as escapes ({@code "\ud800"}), the only way either format can carry them.
 * YAML is written with block style at the top of each document and flow style below.
 */
final class Render {

    private Render() {
    }

    /** One value; a list of documents is a JSON array. */
    static String json(Object v) {
        StringBuilder sb = new StringBuilder();
        json(v, sb);
        return sb.toString();
    }

    /** A document, or (for a list whose items are all maps) a stream of documents separated by {@code ---}. */
    static String yaml(Object v) {
        if (v instanceof List<?> l && !l.isEmpty() && l.stream().allMatch(x -> x instanceof Map)) {
            StringBuilder sb = new StringBuilder();
            for (Object d : l) {
                sb.append("---\n").append(yamlDoc(d));
            }
            return sb.toString();
        }
        return yamlDoc(v);
    }

    private static String yamlDoc(Object v) {
        if (v instanceof Map<?, ?> m && !m.isEmpty()) {
            StringBuilder sb = new StringBuilder();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                yamlFlow(e.getKey(), sb);
                sb.append(": ");
                yamlFlow(e.getValue(), sb);
                sb.append('\n');
            }
            return sb.toString();
        }
        StringBuilder sb = new StringBuilder();
        yamlFlow(v, sb);
        return sb.append('\n').toString();
    }

    private static void json(Object v, StringBuilder sb) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof HostileGen.Tok t) {
            sb.append(t.json() != null ? t.json() : quote(t.yaml(), true));
        } else if (v instanceof String s) {
            sb.append(quote(s, true));
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                sb.append(quote(String.valueOf(e.getKey()), true)).append(':');
                json(e.getValue(), sb);
            }
            sb.append('}');
        } else if (v instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                json(l.get(i), sb);
            }
            sb.append(']');
        } else {
            sb.append(v);
        }
    }

    private static void yamlFlow(Object v, StringBuilder sb) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof HostileGen.Tok t) {
            sb.append(t.yaml());
        } else if (v instanceof String s) {
            sb.append(quote(s, false));
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    sb.append(", ");
                }
                first = false;
                yamlFlow(e.getKey(), sb);
                sb.append(": ");
                yamlFlow(e.getValue(), sb);
            }
            sb.append('}');
        } else if (v instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                yamlFlow(l.get(i), sb);
            }
            sb.append(']');
        } else {
            sb.append(v);
        }
    }

    /**
     * A double-quoted string. Lone surrogates, controls and (in YAML) the characters YAML does not
     * allow unescaped become {@code \\uXXXX}; a valid surrogate pair stays as it is.
     */
    static String quote(String s, boolean json) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                sb.append(c).append(s.charAt(++i));
            } else if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f || Character.isSurrogate(c)
                    || (!json && ((c >= 0x80 && c <= 0x9f) || c == 0xfffe || c == 0xffff || c == 0xfeff))) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
