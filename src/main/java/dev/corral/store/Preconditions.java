package dev.corral.store;

import dev.corral.spec.SpecObject;
import dev.corral.spec.schema.FieldError;

/** The optimistic-concurrency check shared by apply and delete. */
final class Preconditions {

    private Preconditions() {
    }

    /** Null if {@code expected} is absent or {@code current}'s resourceVersion; else the conflict. */
    static FieldError stale(Long expected, SpecObject current) {
        if (expected == null || expected == current.resourceVersion()) {
            return null;
        }
        return new FieldError(null, "metadata.resourceVersion", "is " + expected + ", but " + current.key().describe()
                + " is at " + current.resourceVersion() + ": it changed since you read it");
    }
}
