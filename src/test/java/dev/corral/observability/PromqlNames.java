package dev.corral.observability;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression selects, read without a full parser: what is left once
 * strings, label matchers, ranges, grouping clauses and Grafana's variables are taken out is
 * functions (followed by a parenthesis), keywords, numbers and metric names. Good for the
 * expressions of a dashboard and a rules file; not for PromQL at large.
 */
final class PromqlNames {

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
    private static final Pattern GROUPING = Pattern.compile(
            "\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{[^}]*}|\\$\\w+");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    /** Grafana's {@code label_values(metric, label)}: only its first argument is a selector. */
    private static final Pattern LABEL_VALUES = Pattern.compile("\\s*label_values\\((.*),\\s*\\w+\\s*\\)\\s*",
            Pattern.DOTALL);
    /** Grafana's {@code label_values(label)}: no metric at all. */
    private static final Pattern LABEL_VALUES_ONLY = Pattern.compile("\\s*label_values\\(\\s*\\w+\\s*\\)\\s*");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without",
            "on", "ignoring", "group_left", "group_right", "inf", "nan", "atan2", "start", "end");

    private PromqlNames() {
    }

    static Set<String> of(String expr) {
        Matcher lv = LABEL_VALUES.matcher(expr);
        if (lv.matches()) {
            return of(lv.group(1));
        }
        if (LABEL_VALUES_ONLY.matcher(expr).matches()) {
            return Set.of();
        }
        String s = STRING.matcher(expr).replaceAll(" ");
        s = MATCHERS.matcher(s).replaceAll(" ");
        s = RANGE.matcher(s).replaceAll(" ");
        s = VARIABLE.matcher(s).replaceAll(" ");
        s = GROUPING.matcher(s).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(s);
        while (m.find()) {
            String id = m.group();
            // A unit or exponent after a number (offset 5m, 1e3) is no name.
            char before = m.start() > 0 ? s.charAt(m.start() - 1) : ' ';
            boolean afterNumber = Character.isDigit(before) || before == '.';
            if (afterNumber || KEYWORDS.contains(id.toLowerCase(Locale.ROOT)) || calledAt(s, m.end())) {
                continue;
            }
            names.add(id);
        }
        return names;
    }

    private static boolean calledAt(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i < s.length() && s.charAt(i) == '(';
    }
}
