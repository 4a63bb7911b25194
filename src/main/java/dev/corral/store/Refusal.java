package dev.corral.store;

import dev.corral.spec.InvalidSpecException;
import dev.corral.spec.schema.FieldError;

import java.util.List;

/**
 * Why a {@link WriteHook} refuses one object of a write: invalid content (HTTP 422), or a conflict
 * (HTTP 409), with the ownership clash when there is one. The error's document is set by the store.
 */
public record Refusal(FieldError error, boolean conflict, ConflictException.Clash clash) {

    public static Refusal invalid(FieldError error) {
        return new Refusal(error, false, null);
    }

    public static Refusal conflict(FieldError error) {
        return new Refusal(error, true, null);
    }

    public static Refusal clash(FieldError error, ConflictException.Clash clash) {
        return new Refusal(error, true, clash);
    }

    /** The refusal of a write of one object, addressed by URL rather than by document. */
    RuntimeException toException() {
        return conflict ? new ConflictException(List.of(error), clash == null ? List.of() : List.of(clash))
                : new InvalidSpecException(List.of(error));
    }
}
