package dev.corral.hostile;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/**
 * The hostile-input tests' application: the reconcile loop off (no Docker: a posted run stays
 * Pending), an instance name of its own, and its own data and specs directories, so nothing
 * here touches the other tests' store or containers.
 */
public class HostileProfile implements QuarkusTestProfile {

    // System properties, not static fields alone: Quarkus loads test classes in more than one
    // class loader, and all of them must agree on the directories.
    static final Path DATA = dir("corraltest.hostile.data", "target/corral-hostile-data-");
    static final Path SPECS = dir("corraltest.hostile.specs", "target/corral-hostile-specs-");

    static Path dir(String property, String prefix) {
        return Path.of((String) System.getProperties().computeIfAbsent(property, k -> prefix + UUID.randomUUID()));
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        try {
            Files.createDirectories(SPECS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "corral.reconcile.enabled", "false",
                "corral.instance", "hostile",
                "corral.data-dir", DATA.toString(),
                "corral.specs-dir", SPECS.toString(),
                "corral.specs.debounce", "100ms",
                // No compaction: the tests read the write-ahead log's records of each request on their own.
                "corral.store.compact-min-bytes", "1073741824",
                "corral.specs.rescan-interval", "2s");
    }

    /** The corpus test's application: the same, with a store of its own, so that its model is the whole store. */
    public static class Corpus extends HostileProfile {
        static final Path CORPUS_DATA = dir("corraltest.hostile.corpus-data", "target/corral-hostile-corpus-");

        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = new java.util.HashMap<>(super.getConfigOverrides());
            m.put("corral.data-dir", CORPUS_DATA.toString());
            m.remove("corral.specs-dir");
            return m;
        }
    }
}
