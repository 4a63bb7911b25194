package dev.corral.store;

import dev.corral.spec.SpecObject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;

/**
 * When and how the log is folded into a snapshot: once the log has outgrown both a floor and
 * the last snapshot, so disk holds at most about twice the data whatever the history. Callers
 * hold the store's write lock.
 */
final class Compaction {

    private static final Logger LOG = Logger.getLogger(Compaction.class);

    private final Path snapshot;
    private final long minBytes;
    private long snapshotBytes;

    Compaction(Path snapshot, long minBytes, long snapshotBytes) {
        this.snapshot = snapshot;
        this.minBytes = minBytes;
        this.snapshotBytes = snapshotBytes;
    }

    /** Snapshots if the log is due; a failure is logged and retried on the next write (the log still holds everything). */
    void maybe(WriteAheadLog wal, long resourceVersion, Collection<SpecObject> objects) {
        try {
            if (wal.size() >= Math.max(minBytes, snapshotBytes)) {
                now(wal, resourceVersion, objects);
            }
        } catch (IOException e) {
            LOG.warnf("store compaction failed (will retry): %s", e.toString());
        }
    }

    void now(WriteAheadLog wal, long resourceVersion, Collection<SpecObject> objects) throws IOException {
        long start = System.nanoTime();
        Snapshot.write(snapshot, resourceVersion, objects);
        wal.reset();
        snapshotBytes = Files.size(snapshot);
        LOG.debugf("store compacted: %d objects, %d bytes, in %d ms", objects.size(), snapshotBytes,
                (System.nanoTime() - start) / 1_000_000);
    }
}
