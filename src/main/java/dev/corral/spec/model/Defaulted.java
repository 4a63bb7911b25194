package dev.corral.spec.model;

import com.fasterxml.jackson.databind.JsonNode;

/** The check every typed spec makes: the fields the schema defaults are there, so no reader defaults them again. */
final class Defaulted {

    private Defaulted() {
    }

    static void require(JsonNode node, String what, String... fields) {
        for (String f : fields) {
            if (node == null || !node.hasNonNull(f)) {
                throw new IllegalArgumentException(what + " not defaulted by the schema: no " + f + " in " + node);
            }
        }
    }
}
