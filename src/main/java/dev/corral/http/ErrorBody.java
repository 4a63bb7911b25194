package dev.corral.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.corral.spec.schema.FieldError;

import java.util.List;

/** Every error the API returns: {@code {"error": "...", "details": [{"document": 0, "path": "spec.image", "message": "..."}]}}. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ErrorBody(String error, List<FieldError> details) {

    public static ErrorBody of(String error) {
        return new ErrorBody(error, List.of());
    }
}
