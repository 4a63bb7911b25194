package dev.corral.store;

import dev.corral.spec.ObjectKey;
import dev.corral.spec.schema.FieldError;

import java.util.List;

/** A write that would overwrite a newer version, or an object another source owns: HTTP 409, nothing changed. */
public class ConflictException extends RuntimeException {

    /** An object that {@code claimant} declared but {@code owner} already manages. */
    public record Clash(ObjectKey key, String owner, String claimant) { }

    private final List<FieldError> errors;
    private final List<Clash> clashes;

    public ConflictException(List<FieldError> errors) {
        this(errors, List.of());
    }

    public ConflictException(List<FieldError> errors, List<Clash> clashes) {
        super(errors.size() == 1 ? "conflict: " + errors.get(0) : errors.size() + " conflicts");
        this.errors = List.copyOf(errors);
        this.clashes = List.copyOf(clashes);
    }

    /** The ownership clashes among the conflicts, so both sources can report them. */
    public List<Clash> clashes() {
        return clashes;
    }

    public List<FieldError> errors() {
        return errors;
    }
}
