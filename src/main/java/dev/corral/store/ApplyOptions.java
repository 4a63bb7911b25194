package dev.corral.store;

/**
 * How to apply a batch.
 *
 * @param source     who declares the objects: {@code api} or {@code file:<relative path>}
 * @param dryRun     validate and report actions without storing anything
 * @param prune      also delete this source's objects that the batch no longer declares (a file's apply)
 * @param createOnly every object must be new: one that exists already is a conflict, and nothing changes
 */
public record ApplyOptions(String source, boolean dryRun, boolean prune, boolean createOnly) {

    public static final String API = "api";

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
}
