package dev.corral.store;

import dev.corral.spec.Json;
import dev.corral.spec.SpecObject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.Collection;

/**
 * The store's disk side: the write-ahead log that every change goes to, its compaction into a
 * snapshot, and the failed state a failed sync leaves. Callers serialise appends and compactions
 * (the store's write lock); {@link #awaitDurable} is called outside it, so writers share a sync.
 */
final class Journal implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Journal.class);

    private final WriteAheadLog wal;
    private final Compaction compaction;
    private volatile StoreException failure;

    Journal(WriteAheadLog wal, Compaction compaction) {
        this.wal = wal;
        this.compaction = compaction;
    }

    /** Appends a record; returns the offset that must be durable before the write is acknowledged. */
    long append(LogRecord record) {
        if (failure != null) {
            throw failure;
        }
        try {
            return wal.write(Json.MAPPER.writeValueAsBytes(record));
        } catch (IOException e) {
            throw new StoreException("could not write to " + wal.file() + ": " + e.getMessage(), e);
        }
    }

    void awaitDurable(long offset) {
        if (offset == 0) {
            return;
        }
        try {
            wal.awaitDurable(offset);
        } catch (IOException e) {
            // Like PostgreSQL after a failed fsync: the page cache may have dropped the data, so stop accepting writes.
            failure = new StoreException("the disk failed to sync " + wal.file() + " (" + e.getMessage()
                    + "); the store accepts no more writes until Corral is restarted", e);
            throw failure;
        }
    }

    /** Non-null once a sync failed: the store then refuses writes. */
    StoreException failure() {
        return failure;
    }

    void maybeCompact(long resourceVersion, Collection<SpecObject> objects) {
        compaction.maybe(wal, resourceVersion, objects);
    }

    void compact(long resourceVersion, Collection<SpecObject> objects) throws IOException {
        compaction.now(wal, resourceVersion, objects);
    }

    /** Compacts unless the log is empty or a sync failed (then the log is what the next start must replay). */
    void compactForShutdown(long resourceVersion, Collection<SpecObject> objects) {
        try {
            if (failure == null && wal.size() > 0) {
                compaction.now(wal, resourceVersion, objects);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warnf("compaction at shutdown failed (the log will be replayed at the next start): %s", e.toString());
        }
    }

    @Override
    public void close() {
        try {
            wal.close();
        } catch (IOException e) {
            LOG.warnf("closing %s: %s", wal.file(), e.toString());
        }
    }
}
