package dev.corral.swarm;

import dev.corral.runtime.ObservedNode;

import java.util.List;

/**
 * Whether a node meets Swarm placement constraints, as Swarm's scheduler reads them: for the warm pools Corral
 * keeps at the nodes' own engines, which Swarm does not place. {@code node.id}, {@code node.hostname},
 * {@code node.role} and {@code node.labels.KEY}, with {@code ==} or {@code !=}. A constraint on anything else
 * ({@code engine.labels}, {@code node.platform}) is not known here: the node keeps no pool for it, and its runs
 * are Swarm jobs, placed by Swarm itself.
 */
final class NodeConstraints {

    private NodeConstraints() {
    }

    static boolean allow(List<String> constraints, ObservedNode node) {
        return constraints.stream().allMatch(c -> allow(c, node));
    }

    private static boolean allow(String constraint, ObservedNode node) {
        boolean equal = constraint.contains("==");
        String[] parts = constraint.split(equal ? "==" : "!=", 2);
        if (parts.length != 2) {
            return false;
        }
        String key = parts[0].trim();
        String want = parts[1].trim();
        String have;
        if (key.equals("node.id")) {
            have = node.id();
        } else if (key.equals("node.hostname")) {
            have = node.hostname();
        } else if (key.equals("node.role")) {
            have = node.role();
        } else if (key.startsWith("node.labels.")) {
            have = node.labels().get(key.substring("node.labels.".length()));
        } else {
            return false;
        }
        // As Swarm: a missing label is unequal to every value.
        boolean same = have != null && have.equalsIgnoreCase(want);
        return equal == same;
    }
}
