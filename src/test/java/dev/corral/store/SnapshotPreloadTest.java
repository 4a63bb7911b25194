package dev.corral.store;

import dev.corral.admission.WriteRules;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

import static dev.corral.store.StoreFixtures.applyApi;
import static dev.corral.store.StoreFixtures.tool;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A snapshot read ahead is taken only for the very file the store opens, unchanged since it was read. */
class SnapshotPreloadTest {

    @TempDir
    Path dir;

    @TempDir
    Path otherDir;

    private final StoreFixtures.MutableClock clock = new StoreFixtures.MutableClock();

    @AfterEach
    void forget() {
        SnapshotPreload.discard();
    }

    private FileSpecStore open(Path in) {
        return FileSpecStore.open(in, clock, StoreFixtures.NO_COMPACTION, new WriteRules());
    }

    /** A store in {@code in} holding the given tools, closed with its log folded into the snapshot. */
    private List<SpecObject> storeWith(Path in, String image, String... names) {
        try (FileSpecStore store = open(in)) {
            for (String name : names) {
                applyApi(store, tool(name, image));
            }
            store.closeCompacted();
            return store.list(Query.ALL);
        }
    }

    private static void awaitReadAhead() {
        await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("corral-snapshot-preload")));
    }

    private Path snapshot(Path in) {
        return in.resolve(FileSpecStore.SNAPSHOT);
    }

    @Test
    void theSnapshotReadAheadIsWhatTheFileHolds() {
        List<SpecObject> stored = storeWith(dir, "img:1", "a", "b", "c");
        SnapshotPreload.start(dir);
        Snapshot.Contents read = SnapshotPreload.take(snapshot(dir)).orElseThrow();
        assertEquals(stored, read.objects());
        assertTrue(SnapshotPreload.take(snapshot(dir)).isEmpty(), "taken once only");
    }

    @Test
    void aSnapshotReplacedAfterItWasReadIsReadAgainByTheStore() throws Exception {
        storeWith(dir, "img:1", "a", "b");
        SnapshotPreload.start(dir);
        awaitReadAhead(); // so that what was read is the old file
        // Another writer replaces the snapshot (a rename over it, as a compaction does) before the store opens.
        storeWith(otherDir, "img:2", "a", "b", "late");
        Files.move(snapshot(otherDir), snapshot(dir), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileSpecStore store = open(dir)) {
            assertEquals(3, store.size());
            assertEquals("img:2", store.get(ObjectKey.of(Kind.Tool, null, "a")).orElseThrow()
                    .spec().get("image").asText());
        }
    }

    @Test
    void aSnapshotReadAheadFromAnotherDirectoryIsNotTaken() {
        storeWith(otherDir, "img:1", "elsewhere");
        storeWith(dir, "img:1", "here");
        SnapshotPreload.start(otherDir);
        assertTrue(SnapshotPreload.take(snapshot(dir)).isEmpty());
        try (FileSpecStore store = open(dir)) {
            assertEquals(List.of(ObjectKey.of(Kind.Tool, null, "here")),
                    store.list(Query.ALL).stream().map(SpecObject::key).toList());
        }
    }

    @Test
    void aDamagedSnapshotIsReportedByTheStoresOwnRead() throws Exception {
        storeWith(dir, "img:1", "a");
        List<String> lines = Files.readAllLines(snapshot(dir));
        Files.write(snapshot(dir), lines.subList(0, lines.size() - 1)); // the footer lost
        SnapshotPreload.start(dir);
        StoreException e = assertThrows(StoreException.class, () -> open(dir));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void nothingIsReadAheadWithoutASnapshot() {
        SnapshotPreload.start(dir);
        assertTrue(SnapshotPreload.take(snapshot(dir)).isEmpty());
    }
}
