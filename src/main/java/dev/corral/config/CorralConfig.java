package dev.corral.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** All of Corral's settings ({@code corral.*}); each can also be set as an environment variable ({@code CORRAL_DATA_DIR}). */
@ConfigMapping(prefix = "corral")
public interface CorralConfig {

    /** Where the store keeps its snapshot and write-ahead log. Created if missing. */
    @WithDefault("./data")
    Path dataDir();

    /** The watched specs directory (GitOps). Unset: no directory is watched. */
    Optional<Path> specsDir();

    /** The API's settings. */
    Api api();

    /** The store's settings. */
    Store store();

    /** The specs directory watcher's settings. */
    Specs specs();

    /** Agents' settings. */
    Agent agent();

    interface Api {
        /** Largest request body accepted; larger ones get 413. */
        @WithDefault("8388608")
        long maxBodyBytes();
    }

    interface Store {
        /** The write-ahead log is folded into a snapshot once it is larger than this and than the last snapshot. */
        @WithDefault("16777216")
        long compactMinBytes();
    }

    interface Specs {
        /** Quiet time after the last change in the specs directory before it is applied: a burst of edits is one apply. */
        @WithDefault("300ms")
        Duration debounce();

        /** The directory is also rescanned this often, in case a file-system event was missed (network file systems). */
        @WithDefault("30s")
        Duration rescanInterval();
    }

    interface Agent {
        /**
         * Host directories under which an Agent's {@code code} may be; a relative {@code code} path is resolved
         * against the first. Paths elsewhere are refused at validation.
         */
        @WithDefault("./agents")
        List<Path> codeRoots();
    }
}
