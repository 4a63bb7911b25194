package dev.corral.spec.schema;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One problem with one document: which document (its index in the request, or null when the
 * request held one object addressed by URL), the field path inside it, and what is wrong.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FieldError(Integer document, String path, String message) {

    public FieldError withDocument(int index) {
        return new FieldError(index, path, message);
    }

    @Override
    public String toString() {
        String where = document == null ? "" : "documents[" + document + "]";
        if (path != null && !path.isEmpty()) {
            where = where.isEmpty() ? path : where + "." + path;
        }
        return where.isEmpty() ? message : where + ": " + message;
    }
}
