package dev.corral.admission;

import dev.corral.spec.Json;
import dev.corral.spec.Kind;
import dev.corral.spec.SpecObject;
import dev.corral.spec.schema.FieldError;
import dev.corral.store.Refusal;

import java.util.Optional;

/** A ToolRun runs once: its labels may change, its spec never. */
final class ToolRunImmutability {

    private ToolRunImmutability() {
    }

    static Optional<Refusal> checkChange(SpecObject current, SpecObject proposed) {
        if (current.kind() != Kind.ToolRun || Json.sameValue(current.spec(), proposed.spec())) {
            return Optional.empty();
        }
        return Optional.of(Refusal.invalid(new FieldError(null, "spec", "a ToolRun runs once: its spec cannot change;"
                + " delete it and create a new one")));
    }
}
