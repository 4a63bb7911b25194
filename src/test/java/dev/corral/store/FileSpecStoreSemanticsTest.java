package dev.corral.store;

import dev.corral.admission.WriteRules;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.corral.store.StoreFixtures.NO_COMPACTION;

/** The store contract on the embedded store, in a temporary data directory. */
class FileSpecStoreSemanticsTest extends SpecStoreContract {

    @TempDir
    Path dir;

    @Override
    protected SpecStore openEmpty() {
        return FileSpecStore.open(dir, clock, NO_COMPACTION, new WriteRules());
    }

    @Override
    protected SpecStore reopen() {
        return openEmpty();
    }

    @Override
    protected long durableMark() throws Exception {
        return Files.size(dir.resolve(FileSpecStore.WAL));
    }
}
