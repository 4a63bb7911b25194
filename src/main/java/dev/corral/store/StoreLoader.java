package dev.corral.store;

import dev.corral.spec.Json;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** Reads a locked data directory at start-up: the snapshot, then the log's later steps on top. */
final class StoreLoader {

    private static final Logger LOG = Logger.getLogger(StoreLoader.class);

    /** What loading found: the open log, the resourceVersion reached and the snapshot's size. */
    record Loaded(WriteAheadLog wal, long resourceVersion, long snapshotBytes) { }

    private StoreLoader() {
    }

    /** Fills {@code objects} from {@code dir} and opens its log for appending. */
    static Loaded load(Path dir, Map<ObjectKey, SpecObject> objects) throws IOException {
        long start = System.nanoTime();
        Path snap = dir.resolve(FileSpecStore.SNAPSHOT);
        long snapshotRv = 0;
        long snapshotBytes = 0;
        if (Files.exists(snap)) {
            Snapshot.Contents c = SnapshotPreload.take(snap).orElse(null);
            if (c == null) {
                c = Snapshot.read(snap);
            }
            snapshotRv = c.resourceVersion();
            for (SpecObject o : c.objects()) {
                objects.put(o.key(), o);
            }
            snapshotBytes = Files.size(snap);
        } else {
            SnapshotPreload.discard();
        }
        long[] rv = {snapshotRv};
        long skipUpTo = snapshotRv;
        Path walFile = dir.resolve(FileSpecStore.WAL);
        boolean created = !Files.exists(walFile);
        WriteAheadLog wal = WriteAheadLog.open(walFile, payload -> {
            LogRecord rec;
            try {
                rec = Json.STORE.readValue(payload, LogRecord.class);
            } catch (IOException e) {
                throw new StoreException(walFile + " holds a record that is not a Corral log record: " + e.getMessage(), e);
            }
            if (rec.rv() > skipUpTo) {
                rec.delete().forEach(objects::remove);
                rec.put().forEach(o -> objects.put(o.key(), o));
            }
            rv[0] = Math.max(rv[0], rec.rv());
        });
        if (created) {
            Snapshot.syncDirectory(dir);
        }
        LOG.infof("store loaded: %d objects at resourceVersion %d from %s in %d ms", objects.size(), rv[0],
                dir.toAbsolutePath(), (System.nanoTime() - start) / 1_000_000);
        return new Loaded(wal, rv[0], snapshotBytes);
    }

    /** Removes a crashed snapshot's leftover and lists the files that are not Corral's (left untouched). */
    static List<Path> scanForeign(Path dir) throws IOException {
        Path leftover = dir.resolve(FileSpecStore.SNAPSHOT + ".tmp");
        if (Files.deleteIfExists(leftover)) {
            LOG.infof("removed %s, left by a snapshot interrupted by a crash (the previous snapshot and the log are intact)", leftover);
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> foreign = files
                    .filter(p -> !Set.of(FileSpecStore.SNAPSHOT, FileSpecStore.WAL, FileSpecStore.LOCK)
                            .contains(p.getFileName().toString()))
                    // Corral's own, beside the store: the audit log and its rotations, and the runs' kept files.
                    .filter(p -> !p.getFileName().toString().startsWith("audit.log")
                            && !p.getFileName().toString().equals("run-files"))
                    .sorted().toList();
            if (!foreign.isEmpty()) {
                LOG.warnf("the data directory %s holds files that are not Corral's, left untouched and not loaded: %s",
                        dir.toAbsolutePath(), foreign);
            }
            return foreign;
        }
    }
}
