package dev.corral.config;

import io.smallrye.config.WithDefault;

/** Watches of the specs ({@code corral.watch.*}, {@code GET /specs?watch=true}). */
public interface WatchConfig {

    /**
     * Changes kept in memory for watches that resume from a resourceVersion; one older than the
     * oldest kept is answered 410 Gone (the client lists again).
     */
    @WithDefault("4096")
    int history();

    /**
     * Changes queued for one watcher that has not read them yet; a watcher further behind is
     * closed (it resumes from the last resourceVersion it read).
     */
    @WithDefault("1024")
    int buffer();
}
