package dev.corral.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.spec.Json;
import dev.corral.spec.JsonLimits;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The embedded store: every object in memory, every change in a write-ahead log, and the log
 * folded into a snapshot once it outgrows the data. Memory holds only the current objects and
 * disk at most a snapshot plus a log about its size, whatever the history.
 *
 * <p>Why a log rather than a file per object: an acknowledged write must be synced to disk,
 * and a 1 000-object apply would otherwise pay 1 000 file syncs (seconds); as one log record it
 * pays one.
 *
 * <p>Writes are serialised by one lock, under which the {@link WriteHook} judges them; reads
 * never take it. The store knows no kinds: the domain's rules are the hook's.
 */
public final class FileSpecStore implements SpecStore {

    static final String SNAPSHOT = "snapshot.jsonl";
    static final String WAL = "wal.log";
    static final String LOCK = DataDirectoryLock.LOCK;

    private final Path dir;
    private final Clock clock;
    private final WriteHook hook;
    private final ConcurrentSkipListMap<ObjectKey, SpecObject> objects = new ConcurrentSkipListMap<>();
    private final EventDelivery delivery = new EventDelivery();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final DataDirectoryLock dirLock;
    private final AtomicBoolean closed = new AtomicBoolean();
    private List<Path> foreignFiles = List.of();
    private Journal journal;
    private volatile long resourceVersion;
    private volatile WriteTimer writeTimer = WriteTimer.NONE;

    private FileSpecStore(Path dir, Clock clock, WriteHook hook, DataDirectoryLock dirLock) {
        this.dir = dir;
        this.clock = clock;
        this.hook = hook;
        this.dirLock = dirLock;
    }

    /** A plain versioned store, with no rules of the domain (see {@link #open(Path, Clock, long, WriteHook)}). */
    public static FileSpecStore open(Path dir, Clock clock, long compactMinBytes) {
        return open(dir, clock, compactMinBytes, WriteHook.NONE);
    }

    /**
     * Opens (or creates) the store in {@code dir}, loading the snapshot and replaying the log.
     *
     * @param hook judges every apply and delete, atomically with it
     * @throws StoreException if the directory is locked by another process or its files are damaged
     */
    public static FileSpecStore open(Path dir, Clock clock, long compactMinBytes, WriteHook hook) {
        // The store owns the directory's lock from here, and close() releases it.
        FileSpecStore store = new FileSpecStore(dir, clock, hook, DataDirectoryLock.acquire(dir));
        try {
            store.foreignFiles = StoreLoader.scanForeign(dir);
            StoreLoader.Loaded loaded = StoreLoader.load(dir, store.objects);
            store.journal = new Journal(loaded.wal(), new Compaction(dir.resolve(SNAPSHOT), compactMinBytes, loaded.snapshotBytes()));
            store.resourceVersion = loaded.resourceVersion();
        } catch (IOException e) {
            store.close();
            throw cannotOpen(dir, e);
        } catch (RuntimeException | Error e) {
            store.close();
            throw e;
        }
        return store;
    }

    private static StoreException cannotOpen(Path dir, IOException e) {
        return new StoreException("cannot open the data directory " + dir.toAbsolutePath() + ": " + e, e);
    }

    /** Files in the data directory that are not the store's, reported at start-up. */
    public List<Path> foreignFiles() {
        return foreignFiles;
    }

    public Path directory() {
        return dir;
    }

    @Override
    public String describe() {
        return "file, in " + dir.toAbsolutePath();
    }

    @Override
    public Optional<SpecObject> get(ObjectKey key) {
        return Optional.ofNullable(objects.get(key));
    }

    @Override
    public List<SpecObject> list(Query query) {
        return objects.values().stream().filter(query::matches).toList();
    }

    @Override
    public Listing listConsistent(Query query) {
        // Under the write lock, which every commit holds while it changes the objects and the version.
        writeLock.lock();
        try {
            return new Listing(resourceVersion, list(query));
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public long resourceVersion() {
        return resourceVersion;
    }

    @Override
    public int size() {
        return objects.size();
    }

    @Override
    public void addListener(StoreListener listener) {
        delivery.addListener(listener);
    }

    @Override
    public void timeWrites(WriteTimer timer) {
        writeTimer = timer;
    }

    @Override
    public List<Change> apply(List<SpecObject> batch, ApplyOptions options) {
        long start = System.nanoTime();
        long offset = 0;
        ApplyStep apply;
        writeLock.lock();
        try {
            apply = ApplyStep.plan(batch, options, this, hook, new Step(resourceVersion, clock.instant()));
            if (!options.dryRun()) {
                offset = commit(apply.step());
            }
        } finally {
            writeLock.unlock();
            delivery.deliverQueued();
        }
        awaitDurable(offset);
        timed("apply", offset, start);
        return apply.changes();
    }

    @Override
    public List<SpecObject> delete(ObjectKey key, Long expectedResourceVersion, String source) {
        long start = System.nanoTime();
        long offset;
        List<SpecObject> deleted;
        writeLock.lock();
        try {
            Step step = new Step(resourceVersion, clock.instant());
            deleted = DeleteStep.plan(key, expectedResourceVersion, source, this, hook, step);
            offset = commit(step);
        } finally {
            writeLock.unlock();
            delivery.deliverQueued();
        }
        awaitDurable(offset);
        timed("delete", offset, start);
        return deleted;
    }

    @Override
    public Optional<SpecObject> updateStatus(ObjectKey key, ObjectNode status) {
        long start = System.nanoTime();
        long offset;
        SpecObject updated;
        writeLock.lock();
        try {
            SpecObject cur = objects.get(key);
            if (cur == null) {
                return Optional.empty();
            }
            // Status is what Corral saw (a run's output cut at a cap, a result a run wrote): made encodable, never refused.
            status = JsonLimits.repairText(status);
            if (Json.sameValue(cur.status(), status)) {
                return Optional.of(cur);
            }
            Step step = new Step(resourceVersion, clock.instant());
            updated = step.writeStatus(cur.withStatus(status.deepCopy(), step.nextVersion(), step.now()), cur);
            offset = commit(step);
        } finally {
            writeLock.unlock();
            delivery.deliverQueued();
        }
        awaitDurable(offset);
        timed("status", offset, start);
        return Optional.of(updated);
    }

    /**
     * Writes a step to the log, makes it visible and queues its events. Called with the write lock
     * held; the caller delivers the events and then acknowledges only after {@link #awaitDurable}
     * of the returned offset, once the lock is released, so that concurrent writers share one
     * disk sync.
     *
     * <p>A step is visible to readers (and listeners) a moment before it is durable. A reader
     * may thus see a write that a crash then loses, but that write was never acknowledged, and
     * any write acknowledged after it (built on it or not) is durable only with it: the log is
     * synced in order.
     *
     * @return the log offset that must be durable before the step is acknowledged (0: nothing written)
     */
    private long commit(Step step) {
        if (step.isEmpty()) {
            return 0;
        }
        LogRecord record = step.record();
        long offset = journal.append(record);
        record.delete().forEach(objects::remove);
        record.put().forEach(o -> objects.put(o.key(), o));
        resourceVersion = record.rv();
        delivery.enqueue(step.events());
        journal.maybeCompact(resourceVersion, objects.values());
        return offset;
    }

    private void awaitDurable(long offset) {
        journal.awaitDurable(offset);
    }

    private void timed(String operation, long offset, long start) {
        if (offset != 0) {
            writeTimer.written(operation, System.nanoTime() - start);
        }
    }

    /** Non-null once a sync failed: the store then refuses writes. */
    @Override
    public StoreException failure() {
        return journal.failure();
    }

    /** Folds the log into a snapshot now. */
    public void compact() {
        writeLock.lock();
        try {
            journal.compact(resourceVersion, objects.values());
        } catch (IOException e) {
            throw new StoreException("compaction failed: " + e.getMessage(), e);
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Folds what the log holds into the snapshot, then closes: the next start reads one file,
     * whose lines parse in parallel, instead of replaying the log record by record (start-up
     * time with 10 000 specs was twice as long with a log as large as the snapshot). Nothing
     * depends on it: a crash, or a failed compaction, leaves the log to replay.
     */
    public void closeCompacted() {
        if (closed.get()) {
            return;
        }
        writeLock.lock();
        try {
            journal.compactForShutdown(resourceVersion, objects.values());
        } finally {
            writeLock.unlock();
        }
        close();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (journal != null) {
                journal.close();
            }
        } finally {
            dirLock.close();
        }
    }
}
