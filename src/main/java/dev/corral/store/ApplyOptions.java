package dev.corral.store;

import dev.corral.spec.ObjectKey;

import java.util.Set;

/**
 * How to apply a batch.
 *
 * @param source     who declares the objects: {@code api} or {@code file:<relative path>}
 * @param dryRun     validate and report actions without storing anything
 * @param prune      also delete this source's objects that the batch no longer declares (a file's apply)
 * @param createOnly every object must be new: one that exists already is a conflict, and nothing changes
 * @param adopt      objects of other sources this batch may take over instead of conflicting: they keep
 *                   their uid, become this source's, and count as configured (the specs directory passes
 *                   the objects that moved to this file from another file in the same revision); read by
 *                   the store's {@link WriteHook}, not by the store
 */
public record ApplyOptions(String source, boolean dryRun, boolean prune, boolean createOnly, Set<ObjectKey> adopt) {

    public static final String API = "api";
    /** What a specs file's source starts with; the rest is its path under the specs directory. */
    public static final String FILE_PREFIX = "file:";

    public ApplyOptions {
        adopt = adopt == null ? Set.of() : Set.copyOf(adopt);
    }

    public ApplyOptions(String source, boolean dryRun, boolean prune, boolean createOnly) {
        this(source, dryRun, prune, createOnly, Set.of());
    }

    public static ApplyOptions api(boolean dryRun) {
        return new ApplyOptions(API, dryRun, false, false);
    }

    /** Through the API, creating only (a run is started once: posting it again must not touch it). */
    public static ApplyOptions apiCreate() {
        return new ApplyOptions(API, false, false, true);
    }

    public static ApplyOptions file(String source) {
        return new ApplyOptions(source, false, true, false);
    }

    /** A file's objects, taking over {@code adopt} from their old files, without pruning (that is a second step). */
    public static ApplyOptions fileAdopting(String source, Set<ObjectKey> adopt) {
        return new ApplyOptions(source, false, false, false, adopt);
    }
}
