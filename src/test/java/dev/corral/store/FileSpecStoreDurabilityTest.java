package dev.corral.store;

import dev.corral.spec.Kind;
import dev.corral.admission.WriteRules;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.corral.store.StoreFixtures.NO_COMPACTION;
import static dev.corral.store.StoreFixtures.applyApi;
import static dev.corral.store.StoreFixtures.json;
import static dev.corral.store.StoreFixtures.obj;
import static dev.corral.store.StoreFixtures.relic;
import static dev.corral.store.StoreFixtures.session;
import static dev.corral.store.StoreFixtures.tool;
import static dev.corral.store.StoreFixtures.toolRun;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** What survives a close, a crash-torn log, a damaged file, and who may open the directory. */
class FileSpecStoreDurabilityTest {

    @TempDir
    Path dir;

    private final StoreFixtures.MutableClock clock = new StoreFixtures.MutableClock();

    private FileSpecStore open() {
        return FileSpecStore.open(dir, clock, NO_COMPACTION, new WriteRules());
    }

    private Path wal() {
        return dir.resolve(FileSpecStore.WAL);
    }

    private Path snapshot() {
        return dir.resolve(FileSpecStore.SNAPSHOT);
    }

    /** Start offsets of the log's records, read with the framing {@code [length][crc][payload]}. */
    private List<Long> recordOffsets() throws IOException {
        byte[] bytes = Files.readAllBytes(wal());
        List<Long> offsets = new ArrayList<>();
        int pos = 0;
        while (pos + 8 <= bytes.length) {
            int length = ByteBuffer.wrap(bytes, pos, 4).getInt();
            offsets.add((long) pos);
            pos += 8 + length;
        }
        assertEquals(bytes.length, pos, "the test reads the log framing as the store writes it");
        return offsets;
    }

    private static void flipByte(Path file, long offset) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, offset);
            b.flip();
            byte v = b.get();
            ch.write(ByteBuffer.wrap(new byte[] {(byte) (v ^ 0x5A)}), offset);
        }
    }

    private static void truncate(Path file, long size) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    /** One log record per write: creates, updates, a status, a label change, deletes and a cascade. */
    private static void writeHistory(FileSpecStore store) {
        applyApi(store, session("s1"), relic("s1", "web", "nginx:1"), toolRun("s1", "run", "echo hi"));
        applyApi(store, tool("t1", "alpine:3"), tool("t2", "alpine:3"));
        store.apply(List.of(tool("f1", "busybox:1")), ApplyOptions.file("file:tools.yaml"));
        applyApi(store, tool("t1", "alpine:4"));
        store.updateStatus(ObjectKey.of(Kind.Tool, null, "t1"), json("{'phase':'Ready','ratio':0.25,'big':12345678901234}"));
        applyApi(store, obj(Kind.Tool, null, "t2", "{'image':'alpine:3','timeoutSeconds':60,'resources':{'cpus':0.5,'memoryMb':256}}",
                Map.of("tier", "x"), null));
        applyApi(store, session("s2"), relic("s2", "db", "postgres:16"));
        store.delete(ObjectKey.of(Kind.Session, null, "s2"), null, ApplyOptions.API);
        store.delete(ObjectKey.of(Kind.Tool, null, "t2"), null, ApplyOptions.API);
    }

    @Test
    void reopenRestoresIdenticalObjectsAndResourceVersion() {
        List<SpecObject> before;
        long rv;
        try (FileSpecStore store = open()) {
            for (int i = 0; i < 3; i++) {
                clock.advance(Duration.ofMillis(1234));
                writeHistory(store);
                store.delete(ObjectKey.of(Kind.Session, null, "s1"), null, ApplyOptions.API);
                store.delete(ObjectKey.of(Kind.Tool, null, "t1"), null, ApplyOptions.API);
                if (i < 2) {
                    store.delete(ObjectKey.of(Kind.Tool, null, "f1"), null, "file:tools.yaml");
                }
            }
            writeHistory(store);
            before = store.list(Query.ALL);
            rv = store.resourceVersion();
        }
        assertEquals(5, before.size());

        try (FileSpecStore store = open()) {
            assertEquals(rv, store.resourceVersion());
            assertEquals(before, store.list(Query.ALL), "every field, status and timestamp round-trips");
            // a write after reopen continues the resourceVersion sequence
            applyApi(store, tool("after", "alpine:3"));
            assertEquals(rv + 1, store.resourceVersion());
            // and re-applying what was stored before the restart is still "unchanged"
            assertEquals(Action.unchanged, applyApi(store, tool("t1", "alpine:4")).get(0).action());
            assertEquals(Action.unchanged, applyApi(store, relic("s1", "web", "nginx:1")).get(0).action());
            assertEquals(Action.unchanged, store.apply(List.of(tool("f1", "busybox:1")),
                    ApplyOptions.file("file:tools.yaml")).get(0).action());
            assertEquals(rv + 1, store.resourceVersion());
        }
        try (FileSpecStore store = open()) {
            assertEquals(rv + 1, store.resourceVersion());
            assertEquals(6, store.size());
        }
    }

    /**
     * A writer interrupted (a worker stopped at shutdown) must not close the log for everyone: a FileChannel
     * closes itself when its caller is interrupted mid-call, and the store then refused every write until a
     * restart.
     */
    @Test
    void anInterruptedWriterLeavesTheLogWorking() {
        try (FileSpecStore store = open()) {
            Thread.currentThread().interrupt();
            try {
                applyApi(store, tool("during", "alpine:3"));
                assertTrue(Thread.currentThread().isInterrupted(), "the writer keeps its interrupt");
            } finally {
                Thread.interrupted();
            }
            applyApi(store, tool("after", "alpine:3"));
            assertEquals(2, store.size());
        }
        try (FileSpecStore store = open()) {
            assertEquals(2, store.size(), "both writes are in the log");
        }
    }

    @Test
    void emptyStoreReopensEmpty() {
        try (FileSpecStore store = open()) {
            assertEquals(0, store.size());
        }
        assertTrue(Files.exists(wal()));
        try (FileSpecStore store = open()) {
            assertEquals(0, store.size());
            assertEquals(0, store.resourceVersion());
        }
    }

    @Test
    void tornTailIsCutAwayAndTheStoreKeepsWorking() throws Exception {
        List<SpecObject> afterSecondToLast;
        long rvSecondToLast;
        try (FileSpecStore store = open()) {
            for (int i = 0; i < 10; i++) {
                applyApi(store, tool("t" + i, "alpine:3"));
            }
            afterSecondToLast = store.list(Query.ALL);
            rvSecondToLast = store.resourceVersion();
            applyApi(store, tool("t0", "alpine:4")); // the record that will be torn
        }
        List<Long> offsets = recordOffsets();
        long lastStart = offsets.get(offsets.size() - 1);
        truncate(wal(), Files.size(wal()) - 3);

        try (FileSpecStore store = open()) {
            assertEquals(afterSecondToLast, store.list(Query.ALL), "everything but the torn record");
            assertEquals(rvSecondToLast, store.resourceVersion());
            assertEquals(lastStart, Files.size(wal()), "the torn bytes are cut from the log");
            // new writes go after the last complete record, not after the garbage
            applyApi(store, tool("t0", "alpine:5"));
            applyApi(store, tool("new", "alpine:3"));
        }
        try (FileSpecStore store = open()) {
            assertEquals("alpine:5", store.get(ObjectKey.of(Kind.Tool, null, "t0")).orElseThrow().spec().get("image").asText());
            assertTrue(store.get(ObjectKey.of(Kind.Tool, null, "new")).isPresent());
            assertEquals(rvSecondToLast + 2, store.resourceVersion());
            assertEquals(11, store.size());
        }
    }

    @Test
    void tornTailWithinTheHeaderIsCutAway() throws Exception {
        List<SpecObject> before;
        try (FileSpecStore store = open()) {
            applyApi(store, tool("a", "alpine:3"));
            before = store.list(Query.ALL);
        }
        long size = Files.size(wal());
        Files.write(wal(), new byte[] {0, 0, 1}, StandardOpenOption.APPEND); // 3 bytes of a header
        try (FileSpecStore store = open()) {
            assertEquals(before, store.list(Query.ALL));
            assertEquals(size, Files.size(wal()));
        }
    }

    @Test
    void halfWrittenRecordAtTheEndIsCutAway() throws Exception {
        List<SpecObject> before;
        long rv;
        try (FileSpecStore store = open()) {
            writeHistory(store);
            before = store.list(Query.ALL);
            rv = store.resourceVersion();
        }
        long size = Files.size(wal());
        // a header announcing 500 bytes, followed by only 40 of them
        ByteBuffer half = ByteBuffer.allocate(8 + 40);
        half.putInt(500).putInt(0x12345678).put("{\"rv\":999,\"put\":[{\"apiVersion\":\"corral".getBytes(StandardCharsets.UTF_8));
        Files.write(wal(), half.array(), StandardOpenOption.APPEND);

        try (FileSpecStore store = open()) {
            assertEquals(before, store.list(Query.ALL));
            assertEquals(rv, store.resourceVersion());
            assertEquals(size, Files.size(wal()));
        }
    }

    @Test
    void lastRecordFailingItsChecksumIsCutAway() throws Exception {
        List<SpecObject> before;
        try (FileSpecStore store = open()) {
            applyApi(store, tool("a", "alpine:3"));
            applyApi(store, tool("b", "alpine:3"));
            before = store.list(Query.ALL);
            applyApi(store, tool("c", "alpine:3"));
        }
        List<Long> offsets = recordOffsets();
        long last = offsets.get(offsets.size() - 1);
        flipByte(wal(), Files.size(wal()) - 2); // inside the last payload: a partially persisted write

        try (FileSpecStore store = open()) {
            assertEquals(before, store.list(Query.ALL));
            assertEquals(last, Files.size(wal()));
        }
    }

    @Test
    void zeroFilledTailIsCutAway() throws Exception {
        List<SpecObject> before;
        try (FileSpecStore store = open()) {
            applyApi(store, tool("a", "alpine:3"));
            before = store.list(Query.ALL);
        }
        long size = Files.size(wal());
        Files.write(wal(), new byte[4096], StandardOpenOption.APPEND);
        try (FileSpecStore store = open()) {
            assertEquals(before, store.list(Query.ALL));
            assertEquals(size, Files.size(wal()));
        }
    }

    @Test
    void corruptPayloadInTheMiddleOfTheLogRefusesToOpenAndKeepsTheLog() throws Exception {
        try (FileSpecStore store = open()) {
            writeHistory(store);
        }
        List<Long> offsets = recordOffsets();
        assertTrue(offsets.size() > 3);
        flipByte(wal(), offsets.get(1) + 8 + 20); // a byte inside the second record's payload
        byte[] damaged = Files.readAllBytes(wal());

        StoreException e = assertThrows(StoreException.class, this::open);
        assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
        assertTrue(e.getMessage().contains("byte " + offsets.get(1)), "names where: " + e.getMessage());
        assertArrayEquals(damaged, Files.readAllBytes(wal()), "nothing is truncated or rewritten");

        // and it keeps refusing: the failed open left no lock behind and dropped nothing
        StoreException again = assertThrows(StoreException.class, this::open);
        assertTrue(again.getMessage().contains("corrupt"), again.getMessage());
    }

    @Test
    void corruptChecksumInTheMiddleOfTheLogRefusesToOpen() throws Exception {
        try (FileSpecStore store = open()) {
            writeHistory(store);
        }
        List<Long> offsets = recordOffsets();
        flipByte(wal(), offsets.get(0) + 5); // the first record's crc field
        long size = Files.size(wal());

        assertThrows(StoreException.class, this::open);
        assertEquals(size, Files.size(wal()));
    }

    @Test
    void corruptLengthInTheMiddleOfTheLogRefusesToOpen() throws Exception {
        try (FileSpecStore store = open()) {
            writeHistory(store);
        }
        List<Long> offsets = recordOffsets();
        flipByte(wal(), offsets.get(1)); // high byte of the second record's length: now negative or huge
        byte[] damaged = Files.readAllBytes(wal());

        assertThrows(StoreException.class, this::open);
        assertArrayEquals(damaged, Files.readAllBytes(wal()), "acknowledged records must not be truncated away");
    }

    @Test
    void truncatedSnapshotRefusesToOpen() throws Exception {
        try (FileSpecStore store = open()) {
            writeHistory(store);
            store.compact();
        }
        assertEquals(0, Files.size(wal()), "compaction empties the log");
        List<String> lines = Files.readAllLines(snapshot());
        assertTrue(lines.size() > 3);

        // cut at a line boundary: the footer is missing
        String withoutFooter = String.join("\n", lines.subList(0, lines.size() - 1)) + "\n";
        Files.writeString(snapshot(), withoutFooter);
        StoreException e = assertThrows(StoreException.class, this::open);
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());

        // cut in the middle of an object line
        Files.writeString(snapshot(), withoutFooter.substring(0, withoutFooter.length() - 30));
        StoreException mid = assertThrows(StoreException.class, this::open);
        assertTrue(mid.getMessage().contains(FileSpecStore.SNAPSHOT), mid.getMessage());

        // only the header left
        Files.writeString(snapshot(), lines.get(0) + "\n");
        assertThrows(StoreException.class, this::open);

        // empty
        Files.writeString(snapshot(), "");
        assertThrows(StoreException.class, this::open);
    }

    @Test
    void snapshotWhoseFooterCountDisagreesRefusesToOpen() throws Exception {
        try (FileSpecStore store = open()) {
            writeHistory(store);
            store.compact();
        }
        List<String> lines = new ArrayList<>(Files.readAllLines(snapshot()));
        lines.remove(2); // an object line lost, footer intact
        Files.write(snapshot(), lines);
        StoreException e = assertThrows(StoreException.class, this::open);
        assertTrue(e.getMessage().contains("footer"), e.getMessage());
    }

    @Test
    void snapshotOfAnotherFormatRefusesToOpen() throws Exception {
        Files.writeString(snapshot(), "{\"format\":\"something-else\",\"version\":1,\"resourceVersion\":3}\n{\"end\":0}\n");
        StoreException e = assertThrows(StoreException.class, this::open);
        assertTrue(e.getMessage().contains("not a Corral store snapshot"), e.getMessage());
    }

    @Test
    void snapshotPlusLogReopenIdentically() {
        List<SpecObject> before;
        long rv;
        try (FileSpecStore store = open()) {
            writeHistory(store);
            store.compact();
            clock.advance(Duration.ofSeconds(1));
            applyApi(store, tool("t1", "alpine:9"), tool("late", "alpine:3"));
            store.delete(ObjectKey.of(Kind.Session, null, "s1"), null, ApplyOptions.API);
            before = store.list(Query.ALL);
            rv = store.resourceVersion();
        }
        try (FileSpecStore store = open()) {
            assertEquals(before, store.list(Query.ALL));
            assertEquals(rv, store.resourceVersion());
        }
    }

    @Test
    void crashBetweenSnapshotAndLogResetReplaysNothingTwice() throws Exception {
        List<SpecObject> before;
        long rv;
        try (FileSpecStore store = open()) {
            writeHistory(store);
            before = store.list(Query.ALL);
            rv = store.resourceVersion();
        }
        byte[] oldLog = Files.readAllBytes(wal());
        try (FileSpecStore store = open()) {
            store.compact();
        }
        assertEquals(0, Files.size(wal()));
        // as if the process died after the snapshot's rename, before the log was emptied
        Files.write(wal(), oldLog);

        try (FileSpecStore store = open()) {
            assertEquals(before, store.list(Query.ALL));
            assertEquals(rv, store.resourceVersion());
            applyApi(store, tool("next", "alpine:3"));
            assertEquals(rv + 1, store.get(ObjectKey.of(Kind.Tool, null, "next")).orElseThrow().resourceVersion());
        }
        try (FileSpecStore store = open()) {
            assertEquals(before.size() + 1, store.size());
            assertEquals(rv + 1, store.resourceVersion());
        }
    }

    @Test
    void leftoverTemporarySnapshotIsRemovedAndOtherFilesAreLeftAlone() throws Exception {
        List<SpecObject> before;
        try (FileSpecStore store = open()) {
            writeHistory(store);
            store.compact();
            applyApi(store, tool("after-snapshot", "alpine:3"));
            before = store.list(Query.ALL);
        }
        Path tmp = dir.resolve(FileSpecStore.SNAPSHOT + ".tmp");
        Files.writeString(tmp, "{\"format\":\"corral-store\",\"version\":1,\"resourceVersion\":99}\n{\"apiVersion\":\"corral.dev/v1\",\"ki");
        Path foreign = dir.resolve("notes.txt");
        Files.writeString(foreign, "mine");

        try (FileSpecStore store = open()) {
            assertEquals(before, store.list(Query.ALL), "the half-written temporary snapshot is not loaded");
            assertFalse(Files.exists(tmp), "the temporary snapshot is removed");
            assertEquals(List.of(foreign), store.foreignFiles());
            assertEquals("mine", Files.readString(foreign));
        }
    }

    @Test
    void secondOpenOfTheSameDirectoryIsRefusedUntilTheFirstCloses() {
        FileSpecStore first = open();
        try {
            applyApi(first, tool("a", "alpine:3"));
            StoreException e = assertThrows(StoreException.class, this::open);
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
            // the refused open did not disturb the first
            applyApi(first, tool("b", "alpine:3"));
            assertEquals(2, first.size());
        } finally {
            first.close();
        }
        try (FileSpecStore again = open()) {
            assertEquals(2, again.size());
        }
    }

    @Test
    void anotherProcessCannotTakeTheLockWhileTheStoreIsOpen() throws Exception {
        Path lockFile = dir.resolve(FileSpecStore.LOCK);
        try (FileSpecStore store = open()) {
            assertEquals(LockProbe.LOCKED_ELSEWHERE, LockProbe.probe(lockFile));
        }
        assertEquals(0, LockProbe.probe(lockFile), "closing the store releases the lock");
    }

    @Test
    void refusedSecondOpenInTheSameJvmKeepsTheFirstStoresLock() throws Exception {
        Path lockFile = dir.resolve(FileSpecStore.LOCK);
        try (FileSpecStore store = open()) {
            assertThrows(StoreException.class, this::open);
            assertEquals(LockProbe.LOCKED_ELSEWHERE, LockProbe.probe(lockFile),
                    "another process must still be kept out");
        }
    }

    @Test
    void failedOpenReleasesTheLock() throws Exception {
        try (FileSpecStore store = open()) {
            applyApi(store, tool("a", "alpine:3"));
            store.compact();
        }
        byte[] good = Files.readAllBytes(snapshot());
        Files.write(snapshot(), Arrays.copyOf(good, good.length / 2));
        assertThrows(StoreException.class, this::open);
        Files.write(snapshot(), good);
        try (FileSpecStore store = open()) {
            assertEquals(1, store.size(), "a failed open leaves the directory openable once repaired");
        }
        assertNotEquals(0, good.length);
    }

    @Test
    void zeroLengthHeaderInTheMiddleOfTheLogRefusesToOpen() throws Exception {
        try (FileSpecStore store = open()) {
            writeHistory(store);
        }
        List<Long> offsets = recordOffsets();
        byte[] bytes = Files.readAllBytes(wal());
        int at = offsets.get(2).intValue();
        byte[] damaged = new byte[bytes.length + 16];
        System.arraycopy(bytes, 0, damaged, 0, at);
        System.arraycopy(bytes, at, damaged, at + 16, bytes.length - at); // 16 zero bytes between two records
        Files.write(wal(), damaged);

        StoreException e = assertThrows(StoreException.class, this::open);
        assertTrue(e.getMessage().contains("byte " + at), e.getMessage());
        assertArrayEquals(damaged, Files.readAllBytes(wal()));
    }

    @Test
    void tornBatchOfSeveralRecordsIsCutAwayFromItsFirstBadRecord() throws Exception {
        List<SpecObject> before;
        try (FileSpecStore store = open()) {
            applyApi(store, tool("a", "alpine:3"));
            before = store.list(Query.ALL);
            applyApi(store, tool("b", "alpine:3")); // the batch: this one complete but damaged...
            applyApi(store, tool("c", "alpine:3")); // ...and this one cut short
        }
        List<Long> offsets = recordOffsets();
        flipByte(wal(), offsets.get(1) + 8 + 10);
        truncate(wal(), Files.size(wal()) - 5);

        try (FileSpecStore store = open()) {
            assertEquals(before, store.list(Query.ALL));
            assertEquals(offsets.get(1), Files.size(wal()));
        }
    }

    /** Descriptors of this JVM open on {@code file}, or -1 where /proc/self/fd is not available. */
    private static long openDescriptors(Path file) throws IOException {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return -1;
        }
        Path target = file.toRealPath();
        try (var list = Files.list(fds)) {
            return list.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(target);
                } catch (IOException | UnsupportedOperationException e) {
                    return false; // e.g. the descriptor of this listing, already closed
                }
            }).count();
        }
    }

    @Test
    void failedReplayClosesTheLogAndReleasesTheLock() throws Exception {
        byte[] payload = "not a log record".getBytes(StandardCharsets.UTF_8);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(payload);
        ByteBuffer rec = ByteBuffer.allocate(8 + payload.length);
        rec.putInt(payload.length).putInt((int) crc.getValue()).put(payload);
        Files.write(wal(), rec.array());
        assumeTrue(openDescriptors(wal()) == 0, "needs /proc/self/fd");

        for (int i = 0; i < 3; i++) {
            StoreException e = assertThrows(StoreException.class, this::open);
            assertTrue(e.getMessage().contains("not a Corral log record"), "not refused as in use: " + e.getMessage());
        }
        assertEquals(0, openDescriptors(wal()), "the failed opens leaked no descriptor on the log");
        assertEquals(0, openDescriptors(dir.resolve(FileSpecStore.LOCK)), "nor on LOCK");
        assertThrows(RuntimeException.class, () -> WriteAheadLog.open(wal(), p -> {
            throw new IllegalStateException("replay failed");
        }));
        assertEquals(0, openDescriptors(wal()));
    }
}
