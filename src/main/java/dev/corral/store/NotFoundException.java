package dev.corral.store;

import dev.corral.spec.ObjectKey;

/** The object does not exist: HTTP 404. */
public class NotFoundException extends RuntimeException {

    public NotFoundException(ObjectKey key) {
        super(key.describe() + " not found");
    }
}
