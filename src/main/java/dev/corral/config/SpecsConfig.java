package dev.corral.config;

import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The specs directory watcher's settings ({@code corral.specs.*}). */
public interface SpecsConfig {

    /** Quiet time after the last change in the specs directory before it is applied: a burst of edits is one apply. */
    @WithDefault("300ms")
    Duration debounce();

    /** The directory is also rescanned this often, in case a file-system event was missed (network file systems). */
    @WithDefault("30s")
    Duration rescanInterval();

    /**
     * Follow symbolic links in the specs directory whose target (after resolution) is outside it.
     * Off: such a link is not read, and is reported as an error on its source in {@code GET /sources}
     * and in the log. Links within the directory (a Kubernetes ConfigMap's {@code ..data}, a git-sync
     * worktree link) are always followed; the specs directory itself may always be a link. Link loops
     * are reported, never followed, either way.
     */
    @WithDefault("false")
    boolean followExternalLinks();
}
