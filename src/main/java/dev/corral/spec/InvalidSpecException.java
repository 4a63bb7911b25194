package dev.corral.spec;

import dev.corral.spec.schema.FieldError;

import java.util.List;

/** One or more documents are invalid; carries every error found, each with its document and path. */
public class InvalidSpecException extends RuntimeException {

    private final List<FieldError> errors;

    public InvalidSpecException(String message, List<FieldError> errors) {
        super(message);
        this.errors = List.copyOf(errors);
    }

    public InvalidSpecException(List<FieldError> errors) {
        this(summary(errors), errors);
    }

    public List<FieldError> errors() {
        return errors;
    }

    private static String summary(List<FieldError> errors) {
        long docs = errors.stream().map(FieldError::document).distinct().count();
        return errors.size() == 1 ? "invalid spec: " + errors.get(0)
                : errors.size() + " errors in " + docs + (docs == 1 ? " document" : " documents");
    }
}
