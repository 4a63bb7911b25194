package dev.corral.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;

import java.util.List;

/**
 * One durable step of the store: objects written (each carrying its new resourceVersion) and
 * keys deleted. {@code rv} is the store's resourceVersion after the step; replay after a
 * snapshot skips steps the snapshot already holds.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
record LogRecord(long rv, List<SpecObject> put, List<ObjectKey> delete) {

    LogRecord {
        put = put == null ? List.of() : put;
        delete = delete == null ? List.of() : delete;
    }
}
