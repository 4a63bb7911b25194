package dev.corral.watch;

/**
 * A watch asked to resume from a version the hub cannot continue after: older than the history
 * holds (or than Corral's start), or newer than any the store has handed out (another store). The
 * client lists again: a watch without resourceVersion starts with the current objects.
 */
public class WatchGoneException extends RuntimeException {

    private final long requested;
    private final long current;

    WatchGoneException(long requested, long oldest, long current) {
        super(requested > current
                ? "resourceVersion " + requested + " is newer than any this store has handed out (the current one is "
                + current + "); watch without resourceVersion to start from the current objects"
                : "resourceVersion " + requested + " is too old: Corral holds the changes after " + oldest
                + " (the current resourceVersion is " + current + "); watch without resourceVersion to start from "
                + "the current objects");
        this.requested = requested;
        this.current = current;
    }

    public long requested() {
        return requested;
    }

    /** The store's resourceVersion when the watch was refused. */
    public long current() {
        return current;
    }
}
