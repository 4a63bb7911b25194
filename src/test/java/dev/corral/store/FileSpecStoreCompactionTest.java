package dev.corral.store;

import dev.corral.spec.Kind;
import dev.corral.admission.WriteRules;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.corral.store.StoreFixtures.applyApi;
import static dev.corral.store.StoreFixtures.dirSize;
import static dev.corral.store.StoreFixtures.json;
import static dev.corral.store.StoreFixtures.obj;
import static dev.corral.store.StoreFixtures.tool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The log is folded into a snapshot as it grows, so disk use follows the live data, not the history. */
class FileSpecStoreCompactionTest {

    private static final long COMPACT_MIN_BYTES = 16 * 1024;

    @TempDir
    Path dir;

    private final StoreFixtures.MutableClock clock = new StoreFixtures.MutableClock();

    private FileSpecStore open() {
        return FileSpecStore.open(dir, clock, COMPACT_MIN_BYTES, new WriteRules());
    }

    private static SpecObject version(int object, int round) {
        return obj(Kind.Tool, null, "tool-" + object,
                "{'image':'registry.example.com/team/tool-" + object + ":1.0','env':{'ROUND':'" + round + "'},"
                        + "'command':['run','--round','" + round + "'],'resources':{'cpus':0.5,'memoryMb':256}}");
    }

    @Test
    void manyRewritesOfFewObjectsKeepTheDirectorySmallAndLoseNothing() throws Exception {
        int objects = 10;
        int rounds = 500; // 5 000 rewrites, 10 per apply
        long maxDirSize = 0;
        long maxWal = 0;
        List<SpecObject> before;
        long rv;
        try (FileSpecStore store = open()) {
            for (int r = 0; r < rounds; r++) {
                List<SpecObject> batch = new ArrayList<>();
                for (int o = 0; o < objects; o++) {
                    batch.add(version(o, r));
                }
                store.apply(batch, ApplyOptions.api(false));
                if (r % 3 == 0) {
                    store.updateStatus(ObjectKey.of(Kind.Tool, null, "tool-" + (r % objects)),
                            json("{'observedRound':" + r + "}"));
                }
                maxDirSize = Math.max(maxDirSize, dirSize(dir));
                maxWal = Math.max(maxWal, Files.size(dir.resolve(FileSpecStore.WAL)));
            }
            before = store.list(Query.ALL);
            rv = store.resourceVersion();
        }
        assertTrue(Files.exists(dir.resolve(FileSpecStore.SNAPSHOT)), "a snapshot was written");
        long snapshotSize = Files.size(dir.resolve(FileSpecStore.SNAPSHOT));
        long oneRecord = 10 * 600;
        // The history is about 5 000 * 300 bytes = 1.5 MB; the live data is 10 objects.
        assertTrue(maxWal <= Math.max(COMPACT_MIN_BYTES, snapshotSize) + oneRecord,
                "the log is compacted once it outgrows max(compactMinBytes, snapshot): " + maxWal);
        assertTrue(maxDirSize < 64 * 1024, "disk use stays bounded by the live data: " + maxDirSize);

        try (FileSpecStore store = open()) {
            assertEquals(rv, store.resourceVersion());
            assertEquals(before, store.list(Query.ALL));
            assertEquals(objects, store.size());
            for (int o = 0; o < objects; o++) {
                SpecObject s = store.get(ObjectKey.of(Kind.Tool, null, "tool-" + o)).orElseThrow();
                assertEquals(rounds, s.metadata().generation(), "one generation per spec change");
                assertEquals(String.valueOf(rounds - 1), s.spec().get("env").get("ROUND").asText());
            }
            assertEquals(498, store.get(ObjectKey.of(Kind.Tool, null, "tool-8")).orElseThrow()
                    .status().get("observedRound").asInt());
        }
    }

    @Test
    void deletedObjectsLeaveTheSnapshot() throws Exception {
        try (FileSpecStore store = open()) {
            List<SpecObject> many = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                many.add(version(i, 0));
            }
            store.apply(many, ApplyOptions.api(false));
            store.compact();
            long big = Files.size(dir.resolve(FileSpecStore.SNAPSHOT));
            for (int i = 5; i < 300; i++) {
                store.delete(ObjectKey.of(Kind.Tool, null, "tool-" + i), null, ApplyOptions.API);
            }
            store.compact();
            long small = Files.size(dir.resolve(FileSpecStore.SNAPSHOT));
            assertTrue(small * 20 < big, "snapshot shrank from " + big + " to " + small);
            assertEquals(0, Files.size(dir.resolve(FileSpecStore.WAL)));
        }
        try (FileSpecStore store = open()) {
            assertEquals(5, store.size());
            assertFalse(store.get(ObjectKey.of(Kind.Tool, null, "tool-5")).isPresent());
            assertTrue(store.get(ObjectKey.of(Kind.Tool, null, "tool-4")).isPresent());
        }
    }

    @Test
    void explicitCompactionEmptiesTheLogAndKeepsEverything() throws Exception {
        List<SpecObject> before;
        long rv;
        try (FileSpecStore store = FileSpecStore.open(dir, clock, StoreFixtures.NO_COMPACTION, new WriteRules())) {
            for (int i = 0; i < 20; i++) {
                applyApi(store, tool("t" + (i % 7), "alpine:" + i));
            }
            assertFalse(Files.exists(dir.resolve(FileSpecStore.SNAPSHOT)), "no compaction below the threshold");
            assertTrue(Files.size(dir.resolve(FileSpecStore.WAL)) > 0);
            store.compact();
            assertEquals(0, Files.size(dir.resolve(FileSpecStore.WAL)));
            assertTrue(Files.exists(dir.resolve(FileSpecStore.SNAPSHOT)));
            assertFalse(Files.exists(dir.resolve(FileSpecStore.SNAPSHOT + ".tmp")));
            // writes after a compaction are acknowledged and land in the emptied log
            applyApi(store, tool("t0", "alpine:final"));
            assertTrue(Files.size(dir.resolve(FileSpecStore.WAL)) > 0);
            before = store.list(Query.ALL);
            rv = store.resourceVersion();
        }
        try (FileSpecStore store = FileSpecStore.open(dir, clock, StoreFixtures.NO_COMPACTION, new WriteRules())) {
            assertEquals(before, store.list(Query.ALL));
            assertEquals(rv, store.resourceVersion());
            assertEquals("alpine:final", store.get(ObjectKey.of(Kind.Tool, null, "t0")).orElseThrow()
                    .spec().get("image").asText());
        }
    }

    @Test
    void aCleanShutdownLeavesOnlyASnapshotAndAPlainCloseLeavesTheLog() throws Exception {
        List<SpecObject> before;
        FileSpecStore store = FileSpecStore.open(dir, clock, StoreFixtures.NO_COMPACTION, new WriteRules());
        for (int i = 0; i < 20; i++) {
            applyApi(store, tool("t" + (i % 7), "alpine:" + i));
        }
        store.close();
        assertTrue(Files.size(dir.resolve(FileSpecStore.WAL)) > 0, "close() leaves the log to replay");
        assertFalse(Files.exists(dir.resolve(FileSpecStore.SNAPSHOT)));

        store = FileSpecStore.open(dir, clock, StoreFixtures.NO_COMPACTION, new WriteRules());
        before = store.list(Query.ALL);
        store.closeCompacted();
        store.closeCompacted(); // a second call does nothing
        assertEquals(0, Files.size(dir.resolve(FileSpecStore.WAL)), "the log is folded into the snapshot");
        assertTrue(Files.exists(dir.resolve(FileSpecStore.SNAPSHOT)));
        try (FileSpecStore reopened = FileSpecStore.open(dir, clock, StoreFixtures.NO_COMPACTION, new WriteRules())) {
            assertEquals(before, reopened.list(Query.ALL));
            assertEquals(7, reopened.size());
        }
    }
}
