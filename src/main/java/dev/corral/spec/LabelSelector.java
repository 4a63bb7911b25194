package dev.corral.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An equality-based label selector, as in Kubernetes: {@code app=web,tier!=db,canary,!legacy}.
 * Every requirement must hold.
 */
public final class LabelSelector {

    private record Requirement(String key, String op, String value) {
        boolean matches(Map<String, String> labels) {
            String v = labels.get(key);
            return switch (op) {
                case "=" -> value.equals(v);
                case "!=" -> !value.equals(v);
                case "exists" -> v != null;
                default -> v == null;
            };
        }
    }

    private final List<Requirement> requirements;

    private LabelSelector(List<Requirement> requirements) {
        this.requirements = requirements;
    }

    /** @throws IllegalArgumentException naming the bad requirement */
    public static LabelSelector parse(String text) {
        List<Requirement> reqs = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            Requirement r;
            if (p.contains("!=")) {
                r = new Requirement(p.substring(0, p.indexOf("!=")).trim(), "!=", p.substring(p.indexOf("!=") + 2).trim());
            } else if (p.contains("==")) {
                r = new Requirement(p.substring(0, p.indexOf("==")).trim(), "=", p.substring(p.indexOf("==") + 2).trim());
            } else if (p.contains("=")) {
                r = new Requirement(p.substring(0, p.indexOf('=')).trim(), "=", p.substring(p.indexOf('=') + 1).trim());
            } else if (p.startsWith("!")) {
                r = new Requirement(p.substring(1).trim(), "absent", null);
            } else {
                r = new Requirement(p, "exists", null);
            }
            if (!r.key.matches(Names.LABEL_KEY) || (r.value != null && !r.value.matches(Names.LABEL_VALUE))) {
                throw new IllegalArgumentException("invalid selector requirement \"" + p + "\" (use key=value, key!=value, key or !key)");
            }
            reqs.add(r);
        }
        return new LabelSelector(List.copyOf(reqs));
    }

    public boolean matches(Map<String, String> labels) {
        return requirements.stream().allMatch(r -> r.matches(labels));
    }
}
