package dev.corral.observability;

import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Prometheus's text exposition format, read just enough for the metrics tests: families and series names. */
final class Exposition {

    /** Prometheus's text format 0.0.4: what {@code promtool check metrics} reads. */
    static final String TEXT_004 = "text/plain; version=0.0.4";

    private Exposition() {
    }

    /** The lines of the families whose names start with {@code prefix} (their HELP, TYPE and samples). */
    static String only(String exposition, String prefix) {
        return exposition.lines().filter(l -> name(l).startsWith(prefix))
                .collect(Collectors.joining("\n", "", "\n"));
    }

    /** Every series name sampled ({@code x_bucket}, {@code x_count}, {@code x_sum} of a histogram {@code x}). */
    static Set<String> seriesNames(String exposition) {
        return exposition.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).map(Exposition::name)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The families of a type ({@code counter}, {@code gauge}, {@code histogram}, ...), from their TYPE lines. */
    static Set<String> families(String exposition, String type) {
        return exposition.lines().filter(l -> l.startsWith("# TYPE ")).map(l -> l.split(" "))
                .filter(t -> t.length == 4 && t[3].equals(type)).map(t -> t[2])
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The metric a line is about: a sample's name, or the name a HELP or TYPE line describes. */
    private static String name(String line) {
        if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
            String rest = line.substring(7);
            int sp = rest.indexOf(' ');
            return sp < 0 ? rest : rest.substring(0, sp);
        }
        if (line.startsWith("#")) {
            return "";
        }
        int end = 0;
        while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
            end++;
        }
        return line.substring(0, end);
    }
}
