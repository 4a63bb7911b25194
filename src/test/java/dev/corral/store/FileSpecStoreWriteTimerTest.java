package dev.corral.store;

import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.corral.store.StoreFixtures.NO_COMPACTION;
import static dev.corral.store.StoreFixtures.applyApi;
import static dev.corral.store.StoreFixtures.json;
import static dev.corral.store.StoreFixtures.tool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@link WriteTimer} hook: told of every write that changed something, by operation, and of nothing else. */
class FileSpecStoreWriteTimerTest {

    @TempDir
    Path dir;

    @Test
    void everyWriteThatChangedSomethingIsTimedOnce() {
        List<String> timed = new ArrayList<>();
        List<Long> nanos = new ArrayList<>();
        try (FileSpecStore store = FileSpecStore.open(dir, new StoreFixtures.MutableClock(), NO_COMPACTION)) {
            store.timeWrites((operation, n) -> {
                timed.add(operation);
                nanos.add(n);
            });
            ObjectKey a = ObjectKey.of(Kind.Tool, null, "a");
            applyApi(store, tool("a", "alpine:3"));
            applyApi(store, tool("a", "alpine:3"));
            store.apply(List.of(tool("b", "alpine:3")), ApplyOptions.api(true));
            store.updateStatus(a, json("{\"message\": \"one\"}"));
            store.updateStatus(a, json("{\"message\": \"one\"}"));
            store.delete(a, null, ApplyOptions.API);
        }
        assertEquals(List.of("apply", "status", "delete"), timed,
                "an unchanged apply, a dry run and an unchanged status write nothing and are not timed");
        assertTrue(nanos.stream().allMatch(n -> n > 0), nanos.toString());
    }
}
