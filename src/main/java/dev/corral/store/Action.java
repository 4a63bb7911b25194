package dev.corral.store;

/** What an apply did, or would do under dry-run, to one object. */
public enum Action {
    created, configured, unchanged, pruned
}
