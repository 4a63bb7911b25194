package dev.corral.store;

import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.corral.store.StoreFixtures.NO_COMPACTION;
import static dev.corral.store.StoreFixtures.applyApi;
import static dev.corral.store.StoreFixtures.relic;
import static dev.corral.store.StoreFixtures.session;
import static dev.corral.store.StoreFixtures.tool;
import static dev.corral.store.StoreFixtures.toolRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With {@link WriteHook#NONE} the store is a plain versioned store: the domain's rules are all the hook's. */
class FileSpecStoreWithoutRulesTest {

    @TempDir
    Path dir;

    private final StoreFixtures.MutableClock clock = new StoreFixtures.MutableClock();

    @Test
    void noKindIsSpecial() {
        try (FileSpecStore store = FileSpecStore.open(dir, clock, NO_COMPACTION)) {
            applyApi(store, session("s1"), relic("s1", "web", "nginx"), toolRun("s1", "run", "echo one"));
            assertEquals(Action.configured, applyApi(store, toolRun("s1", "run", "echo two")).get(0).action(),
                    "no immutable kind");
            List<SpecObject> deleted = store.delete(ObjectKey.of(Kind.Session, null, "s1"), null, ApplyOptions.API);
            assertEquals(1, deleted.size(), "no cascade");
            assertTrue(store.get(ObjectKey.of(Kind.Relic, "s1", "web")).isPresent());
        }
    }

    @Test
    void theWriterBecomesTheSource() {
        try (FileSpecStore store = FileSpecStore.open(dir, clock, NO_COMPACTION)) {
            store.apply(List.of(tool("a", "alpine:3")), ApplyOptions.file("file:tools.yaml"));
            assertEquals(Action.configured, applyApi(store, tool("a", "alpine:3")).get(0).action());
            assertEquals(ApplyOptions.API, store.get(ObjectKey.of(Kind.Tool, null, "a")).orElseThrow().metadata().source());
        }
    }
}
