package dev.corral.store;

/**
 * How to apply a batch.
 *
 * @param source who declares the objects: {@code api} or {@code file:<relative path>}
 * @param dryRun validate and report actions without storing anything
 * @param prune  also delete this source's objects that the batch no longer declares (a file's apply)
 */
public record ApplyOptions(String source, boolean dryRun, boolean prune) {

    public static final String API = "api";

    public static ApplyOptions api(boolean dryRun) {
        return new ApplyOptions(API, dryRun, false);
    }

    public static ApplyOptions file(String source) {
        return new ApplyOptions(source, false, true);
    }
}
