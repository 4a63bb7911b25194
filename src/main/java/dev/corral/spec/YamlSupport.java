package dev.corral.spec;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.ConstructorException;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

import java.math.BigInteger;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * snakeyaml set up for untrusted input: safe constructor only, bounded aliases (no "billion
 * laughs"), bounded nesting, no duplicate keys, and the scalars of YAML 1.2's core schema —
 * only {@code true}/{@code false} are booleans (so {@code no} and {@code on} stay strings),
 * integers are decimal, {@code 0o} octal or {@code 0x} hex (so {@code 010} is 10, and
 * {@code 12:30}, {@code 0b101} and {@code 1_000} stay strings), and dates stay strings.
 */
public final class YamlSupport {

    /** YAML 1.2 core schema, decimal integer: {@code [-+]?[0-9]+} (leading zeros do not make it octal). */
    static final Pattern INT_DECIMAL = Pattern.compile("^[-+]?[0-9]+$");
    /** YAML 1.2 core schema, octal integer: {@code 0o[0-7]+} (no sign). */
    static final Pattern INT_OCTAL = Pattern.compile("^0o[0-7]+$");
    /** YAML 1.2 core schema, hexadecimal integer: {@code 0x[0-9a-fA-F]+} (no sign). */
    static final Pattern INT_HEX = Pattern.compile("^0x[0-9a-fA-F]+$");
    /** Any YAML 1.2 core schema integer. */
    static final Pattern CORE_INT = Pattern.compile("^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$");
    /** YAML 1.2 core schema, finite float. */
    static final Pattern FLOAT_FINITE = Pattern.compile("^[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$");
    /** YAML 1.2 core schema, infinity. */
    static final Pattern FLOAT_INF = Pattern.compile("^[-+]?\\.(?:inf|Inf|INF)$");
    /** YAML 1.2 core schema, not a number. */
    static final Pattern FLOAT_NAN = Pattern.compile("^\\.(?:nan|NaN|NAN)$");
    /** Any YAML 1.2 core schema float (finite, infinite or NaN: the parser refuses the last two). */
    static final Pattern CORE_FLOAT = Pattern.compile("^(?:[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
            + "|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))$");

    private static final Pattern CORE_BOOL = Pattern.compile("^(?:true|True|TRUE|false|False|FALSE)$");

    private static final BigInteger INT_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
    private static final BigInteger INT_MAX = BigInteger.valueOf(Integer.MAX_VALUE);
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private YamlSupport() {
    }

    public static Yaml loader(int maxChars) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setAllowRecursiveKeys(false);
        // Counted over the whole stream (all documents of one body), not per document: see docs/spec-reference.md.
        options.setMaxAliasesForCollections(20);
        options.setNestingDepthLimit(Json.MAX_DEPTH);
        options.setCodePointLimit(Math.max(1, maxChars));
        options.setWrappedToRootException(true);
        DumperOptions dumper = new DumperOptions();
        return new Yaml(new CoreConstructor(options), new Representer(dumper), dumper, options, new CoreResolver());
    }

    public static Yaml dumper() {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndicatorIndent(2);
        options.setIndentWithIndicator(true);
        options.setWidth(120);
        options.setSplitLines(false);
        // Strings with characters YAML cannot print plainly are written double-quoted with escapes, not as
        // !!binary (which Corral's own parser refuses), so that every listing can be applied back.
        options.setNonPrintableStyle(DumperOptions.NonPrintableStyle.ESCAPE);
        return new Yaml(new CoreConstructor(new LoaderOptions()), new LineBreakSafeRepresenter(options), options,
                new LoaderOptions(), new DumpResolver());
    }

    /**
     * Converts an integer scalar of YAML 1.2's core schema to the smallest of Integer, Long and
     * BigInteger that holds it; null when {@code text} is not such an integer.
     */
    static Number parseInt(String text) {
        BigInteger v;
        if (INT_DECIMAL.matcher(text).matches()) {
            v = new BigInteger(text, 10);
        } else if (INT_OCTAL.matcher(text).matches()) {
            v = new BigInteger(text.substring(2), 8);
        } else if (INT_HEX.matcher(text).matches()) {
            v = new BigInteger(text.substring(2), 16);
        } else {
            return null;
        }
        if (v.compareTo(INT_MIN) >= 0 && v.compareTo(INT_MAX) <= 0) {
            return v.intValue();
        } else if (v.compareTo(LONG_MIN) >= 0 && v.compareTo(LONG_MAX) <= 0) {
            return v.longValue();
        }
        return v;
    }

    /**
     * Converts a float scalar of YAML 1.2's core schema to a Double (possibly infinite — also when
     * a finite literal such as {@code 1e400} overflows — or NaN); null when it is not such a float.
     */
    static Double parseFloat(String text) {
        if (FLOAT_FINITE.matcher(text).matches()) {
            return Double.valueOf(text);
        } else if (FLOAT_INF.matcher(text).matches()) {
            return text.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        } else if (FLOAT_NAN.matcher(text).matches()) {
            return Double.NaN;
        }
        return null;
    }

    /** The resolver of YAML 1.2's core schema, plus merge keys ({@code <<}). No timestamps. */
    private static class CoreResolver extends Resolver {
        @Override
        protected void addImplicitResolvers() {
            // Qualified: Resolver's own BOOL, INT and FLOAT are YAML 1.1's and would shadow ours.
            addImplicitResolver(Tag.BOOL, YamlSupport.CORE_BOOL, "tTfF");
            // Order matters: a scalar matching both (42) is an integer.
            addImplicitResolver(Tag.INT, YamlSupport.CORE_INT, "-+0123456789");
            addImplicitResolver(Tag.FLOAT, YamlSupport.CORE_FLOAT, "-+0123456789.");
            addImplicitResolver(Tag.MERGE, MERGE, "<");
            addImplicitResolver(Tag.NULL, NULL, "~nN\0");
            addImplicitResolver(Tag.NULL, EMPTY, null);
        }
    }

    /**
     * For output only: also treats what YAML 1.1 readers (PyYAML, older snakeyaml) take for a
     * number — {@code 12:30}, {@code 0b101}, {@code 1_000} — as non-strings, so that such strings
     * are written quoted and every reader sees a string. Our loader reads quoted and plain alike.
     */
    private static final class DumpResolver extends CoreResolver {
        @Override
        protected void addImplicitResolvers() {
            super.addImplicitResolvers();
            addImplicitResolver(Tag.INT, Resolver.INT, "-+0123456789");
            addImplicitResolver(Tag.FLOAT, Resolver.FLOAT, "-+0123456789.");
        }
    }

    /**
     * The safe constructor with YAML 1.2 integers and floats: snakeyaml's own constructors read
     * {@code 010} as octal and accept {@code _} and sexagesimal forms. Also used for explicit
     * {@code !!int} / {@code !!float} tags, whose values must then have the same syntax.
     */
    private static final class CoreConstructor extends SafeConstructor {
        CoreConstructor(LoaderOptions options) {
            super(options);
            yamlConstructors.put(Tag.INT, scalar("an integer", YamlSupport::parseInt,
                    "is not a YAML 1.2 integer (decimal, 0o octal or 0x hexadecimal)"));
            // Tags the docs refuse, which SafeConstructor would build into plain maps or dates that pass as
            // ordinary values: built as a marker instead, which the tree conversion refuses with its path.
            for (Tag t : new Tag[]{Tag.OMAP, Tag.TIMESTAMP}) {
                yamlConstructors.put(t, new AbstractConstruct() {
                    @Override
                    public Object construct(Node node) {
                        return new UnsupportedTag(node.getTag().getValue());
                    }
                });
            }
            yamlConstructors.put(Tag.FLOAT, scalar("a float", YamlSupport::parseFloat, "is not a YAML 1.2 number"));
        }

        /** A scalar read by {@code parse}, whose null answer is refused with {@code expectation}. */
        private AbstractConstruct scalar(String what, Function<String, Object> parse,
                                         String expectation) {
            return new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    String text = constructScalar((ScalarNode) node);
                    Object value = parse.apply(text);
                    if (value == null) {
                        throw new ScalarException("while constructing " + what, node, "\"" + text + "\" " + expectation);
                    }
                    return value;
                }
            };
        }
    }

    /**
     * Writes strings holding NEL, LINE SEPARATOR or PARAGRAPH SEPARATOR double-quoted, where they
     * are escaped ({@code \N}, {@code \L}, {@code \P}): in any other style a YAML reader takes them
     * for line breaks and reads back {@code \n}.
     */
    private static final class LineBreakSafeRepresenter extends Representer {
        LineBreakSafeRepresenter(DumperOptions options) {
            super(options);
            this.representers.put(String.class, new RepresentString() {
                @Override
                public Node representData(Object data) {
                    String s = data.toString();
                    if (s.indexOf('\u0085') >= 0 || s.indexOf('\u2028') >= 0 || s.indexOf('\u2029') >= 0) {
                        return representScalar(Tag.STR, s, DumperOptions.ScalarStyle.DOUBLE_QUOTED);
                    }
                    return super.representData(data);
                }
            });
        }
    }

    /** A value under a tag Corral does not accept ({@code !!omap}, an explicit {@code !!timestamp}). */
    record UnsupportedTag(String tag) {
    }

    private static final class ScalarException extends ConstructorException {
        ScalarException(String context, Node node, String problem) {
            super(context, node.getStartMark(), problem, node.getStartMark());
        }
    }
}
