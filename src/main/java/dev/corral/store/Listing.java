package dev.corral.store;

import dev.corral.spec.SpecObject;

import java.util.List;

/**
 * Objects read together with the store's resourceVersion at that moment: exactly the state after
 * every change up to {@code resourceVersion} and none after it, so a watch can continue from it
 * without a gap or a duplicate.
 */
public record Listing(long resourceVersion, List<SpecObject> items) {
}
