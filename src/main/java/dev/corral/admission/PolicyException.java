package dev.corral.admission;

import dev.corral.spec.InvalidSpecException;
import dev.corral.spec.schema.FieldError;

import java.util.List;

/**
 * Valid specs that the installation's policy forbids: HTTP 403, with the same field paths as a
 * validation error; in a specs file, its errors in {@code GET /sources}. Nothing is applied.
 */
public class PolicyException extends InvalidSpecException {

    public PolicyException(List<FieldError> errors) {
        super("forbidden by policy", errors);
    }
}
