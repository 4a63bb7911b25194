package dev.corral.config;

import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The reconcile loop's settings ({@code corral.reconcile.*}). */
public interface ReconcileConfig {

    /** Objects reconciled in parallel: one worker per key at a time, this many keys at once. */
    @WithDefault("16")
    int workers();

    /** Everything is re-listed and re-checked this often, as a backstop for missed events. */
    @WithDefault("30s")
    Duration resyncInterval();

    /** First retry delay after a failed reconcile; doubles per failure of the same key. */
    @WithDefault("200ms")
    Duration retryBase();

    /** Longest retry delay. */
    @WithDefault("5m")
    Duration retryMax();

    /** Off: specs are stored but nothing touches the engine (for API-only tests and dry runs). */
    @WithDefault("true")
    boolean enabled();
}
