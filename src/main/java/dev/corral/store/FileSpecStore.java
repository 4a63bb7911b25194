package dev.corral.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.spec.InvalidSpecException;
import dev.corral.spec.Json;
import dev.corral.spec.JsonLimits;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.spec.schema.FieldError;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * The embedded store: every object in memory, every change in a write-ahead log, and the log
 * folded into a snapshot once it outgrows the data. Memory holds only the current objects and
 * disk at most a snapshot plus a log about its size, whatever the history.
 *
 * <p>Why a log rather than a file per object: an acknowledged write must be synced to disk,
 * and a 1 000-object apply would otherwise pay 1 000 file syncs (seconds); as one log record it
 * pays one.
 *
 * <p>Writes are serialised by one lock; reads never take it.
 */
public final class FileSpecStore implements SpecStore, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FileSpecStore.class);
    static final String SNAPSHOT = "snapshot.jsonl";
    static final String WAL = "wal.log";
    static final String LOCK = "LOCK";
    /**
     * LOCK files (real paths) held by open stores in this JVM (this class loader). An OS file lock
     * keeps other processes out, but not this one, and a second channel on the file must not even
     * be opened: closing it would drop the first store's lock.
     */
    private static final Set<Path> HELD_LOCKS = ConcurrentHashMap.newKeySet();
    /** Channels on a LOCK file locked elsewhere in this JVM: never closed, as closing would drop that lock. */
    private static final List<FileChannel> PARKED_CHANNELS = new CopyOnWriteArrayList<>();

    private final Path dir;
    private final Clock clock;
    private final long compactMinBytes;
    private final ConcurrentSkipListMap<ObjectKey, SpecObject> objects = new ConcurrentSkipListMap<>();
    private final List<StoreListener> listeners = new CopyOnWriteArrayList<>();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Path lockFile;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<Path> foreignFiles;
    private WriteAheadLog wal;
    private volatile long resourceVersion;
    private volatile StoreException failure;
    private long snapshotBytes;

    private FileSpecStore(Path dir, Clock clock, long compactMinBytes, Path lockFile, FileChannel lockChannel,
                          FileLock lock, List<Path> foreignFiles) {
        this.dir = dir;
        this.lockFile = lockFile;
        this.clock = clock;
        this.compactMinBytes = compactMinBytes;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.foreignFiles = foreignFiles;
    }

    /**
     * Opens (or creates) the store in {@code dir}, loading the snapshot and replaying the log.
     *
     * @throws StoreException if the directory is locked by another process or its files are damaged
     */
    public static FileSpecStore open(Path dir, Clock clock, long compactMinBytes) {
        Path lockFile;
        try {
            Files.createDirectories(dir);
            lockFile = dir.toRealPath().resolve(LOCK);
        } catch (IOException e) {
            throw new StoreException("cannot open the data directory " + dir.toAbsolutePath() + ": " + e, e);
        }
        // Checked before any channel on LOCK is opened: closing a second channel on the file
        // would release (POSIX fcntl) the lock the open store holds through its own.
        if (!HELD_LOCKS.add(lockFile)) {
            throw new StoreException("the data directory " + dir.toAbsolutePath()
                    + " is in use: a store in this process has it open");
        }
        FileChannel lockChannel = null;
        boolean handedOver = false;
        try {
            lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                // Locked in this JVM outside this registry (e.g. by a store loaded by another class
                // loader, which has its own): closing our channel would drop that lock. Park the
                // channel, reachable so that no cleaner closes it, and leave the lock alone.
                PARKED_CHANNELS.add(lockChannel);
                lockChannel = null;
                LOG.warnf("%s is locked by other code in this process; keeping a channel on it open rather than"
                        + " releasing that lock by closing it", lockFile);
                throw new StoreException("the data directory " + dir.toAbsolutePath()
                        + " is in use by other code in this process (its LOCK file is locked)");
            }
            if (lock == null) {
                throw new StoreException("the data directory " + dir.toAbsolutePath()
                        + " is in use by another Corral process (its LOCK file is locked)");
            }
            FileSpecStore store = new FileSpecStore(dir, clock, compactMinBytes, lockFile, lockChannel, lock,
                    scanForeign(dir));
            handedOver = true; // the store owns the lock from here, and close() releases it
            try {
                store.load();
            } catch (RuntimeException | IOException | Error e) {
                store.close();
                throw e;
            }
            return store;
        } catch (IOException e) {
            throw new StoreException("cannot open the data directory " + dir.toAbsolutePath() + ": " + e, e);
        } finally {
            if (!handedOver) {
                // Failed before the store took ownership: no other channel in this JVM is open on
                // LOCK (the registry saw to that), so closing this one releases only our own lock.
                if (lockChannel != null) {
                    try {
                        lockChannel.close();
                    } catch (IOException e) {
                        LOG.warnf("closing %s: %s", lockFile, e.toString());
                    }
                }
                HELD_LOCKS.remove(lockFile);
            }
        }
    }

    private static List<Path> scanForeign(Path dir) throws IOException {
        Path leftover = dir.resolve(SNAPSHOT + ".tmp");
        if (Files.deleteIfExists(leftover)) {
            LOG.infof("removed %s, left by a snapshot interrupted by a crash (the previous snapshot and the log are intact)", leftover);
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> foreign = files
                    .filter(p -> !Set.of(SNAPSHOT, WAL, LOCK).contains(p.getFileName().toString()))
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

    private void load() throws IOException {
        long start = System.nanoTime();
        Path snap = dir.resolve(SNAPSHOT);
        long snapshotRv = 0;
        if (Files.exists(snap)) {
            Snapshot.Contents c = Snapshot.read(snap);
            snapshotRv = c.resourceVersion();
            for (SpecObject o : c.objects()) {
                objects.put(o.key(), o);
            }
            snapshotBytes = Files.size(snap);
        }
        long[] rv = {snapshotRv};
        long skipUpTo = snapshotRv;
        Path walFile = dir.resolve(WAL);
        boolean created = !Files.exists(walFile);
        wal = WriteAheadLog.open(walFile, payload -> {
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
        resourceVersion = rv[0];
        LOG.infof("store loaded: %d objects at resourceVersion %d from %s in %d ms", objects.size(), resourceVersion,
                dir.toAbsolutePath(), (System.nanoTime() - start) / 1_000_000);
    }

    /** Files in the data directory that are not the store's, reported at start-up. */
    public List<Path> foreignFiles() {
        return foreignFiles;
    }

    public Path directory() {
        return dir;
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
    public long resourceVersion() {
        return resourceVersion;
    }

    @Override
    public int size() {
        return objects.size();
    }

    @Override
    public void addListener(StoreListener listener) {
        listeners.add(listener);
    }

    @Override
    public List<Change> apply(List<SpecObject> batch, ApplyOptions options) {
        long offset = 0;
        List<Change> result;
        writeLock.lock();
        try {
            Instant now = clock.instant();
            long next = resourceVersion;
            List<FieldError> invalid = new ArrayList<>();
            List<FieldError> conflicts = new ArrayList<>();
            List<ConflictException.Clash> clashes = new ArrayList<>();
            List<Change> changes = new ArrayList<>();
            List<SpecObject> writes = new ArrayList<>();
            List<StoreEvent> events = new ArrayList<>();
            Set<ObjectKey> declared = new HashSet<>();
            for (int i = 0; i < batch.size(); i++) {
                SpecObject o = batch.get(i);
                // The validator has checked this already; the store checks again because it must never
                // acknowledge what its own reader would refuse at the next start.
                List<FieldError> unreadable = new ArrayList<>(JsonLimits.check(o.spec(), "spec"));
                dev.corral.spec.schema.Schema.refuseNonFinite(o.spec(), "spec", unreadable);
                for (FieldError e : unreadable) {
                    invalid.add(e.withDocument(i));
                }
                declared.add(o.key());
                SpecObject cur = objects.get(o.key());
                Long want = o.metadata().resourceVersion();
                if (cur == null) {
                    if (want != null && want != 0) {
                        conflicts.add(new FieldError(i, "metadata.resourceVersion", o.key().describe()
                                + " does not exist (it was deleted, or never created); leave resourceVersion out to create it"));
                        continue;
                    }
                    SpecObject created = new SpecObject(o.apiVersion(), o.kind(), o.metadata().withStored(
                            UUID.randomUUID().toString(), 1, ++next, now, now, options.source()), o.spec(),
                            Json.MAPPER.createObjectNode());
                    writes.add(created);
                    events.add(new StoreEvent(StoreEvent.Type.ADDED, created, null));
                    changes.add(Change.of(created, Action.created));
                    continue;
                }
                if (options.createOnly()) {
                    conflicts.add(new FieldError(i, "metadata.name", cur.key().describe() + " exists already"));
                    continue;
                }
                String owner = cur.metadata().source();
                // Taken over from another source (an object that moved between specs files): same uid.
                boolean adopted = !options.source().equals(owner) && options.adopt().contains(o.key());
                if (!options.source().equals(owner) && !adopted) {
                    conflicts.add(new FieldError(i, "metadata.name", cur.key().describe() + " is managed by " + owner
                            + ", not " + options.source() + "; change it there (or delete it there first)"));
                    clashes.add(new ConflictException.Clash(cur.key(), owner, options.source()));
                    continue;
                }
                if (want != null && want != cur.resourceVersion()) {
                    conflicts.add(new FieldError(i, "metadata.resourceVersion", "is " + want + ", but "
                            + cur.key().describe() + " is at " + cur.resourceVersion() + ": it changed since you read it"));
                    continue;
                }
                boolean specChanged = !Json.sameValue(cur.spec(), o.spec());
                boolean metaChanged = !cur.metadata().labels().equals(o.metadata().labels())
                        || !cur.metadata().annotations().equals(o.metadata().annotations());
                if (specChanged && cur.kind() == Kind.ToolRun) {
                    invalid.add(new FieldError(i, "spec", "a ToolRun runs once: its spec cannot change;"
                            + " delete it and create a new one"));
                    continue;
                }
                if (!specChanged && !metaChanged && !adopted) {
                    changes.add(Change.of(cur, Action.unchanged));
                    continue;
                }
                var m = cur.metadata();
                SpecObject updated = new SpecObject(o.apiVersion(), o.kind(), o.metadata().withStored(m.uid(),
                        m.generation() + (specChanged ? 1 : 0), ++next, m.createdAt(), now,
                        adopted ? options.source() : m.source()),
                        o.spec(), cur.status());
                writes.add(updated);
                events.add(new StoreEvent(StoreEvent.Type.MODIFIED, updated, cur));
                changes.add(Change.of(updated, Action.configured));
            }
            if (!invalid.isEmpty()) {
                throw new InvalidSpecException(invalid);
            }
            if (!conflicts.isEmpty()) {
                throw new ConflictException(conflicts, clashes);
            }
            List<ObjectKey> deletes = new ArrayList<>();
            if (options.prune()) {
                Set<String> prunedSessions = new HashSet<>();
                java.util.Map<ObjectKey, SpecObject> pruned = new java.util.LinkedHashMap<>();
                for (SpecObject o : objects.values()) {
                    if (options.source().equals(o.metadata().source()) && !declared.contains(o.key())) {
                        pruned.put(o.key(), o);
                        if (o.kind() == Kind.Session) {
                            prunedSessions.add(o.metadata().name());
                        }
                    }
                }
                // A pruned Session takes everything scoped to it, whatever its source, as a deleted one does.
                for (SpecObject o : objects.values()) {
                    if (o.metadata().session() != null && prunedSessions.contains(o.metadata().session())
                            && !declared.contains(o.key())) {
                        pruned.putIfAbsent(o.key(), o);
                    }
                }
                for (SpecObject o : pruned.values()) {
                    deletes.add(o.key());
                    SpecObject gone = o.withMetadata(o.metadata().withResourceVersion(++next, now));
                    events.add(new StoreEvent(StoreEvent.Type.DELETED, gone, o));
                    changes.add(Change.of(gone, Action.pruned));
                }
            }
            if (!options.dryRun()) {
                offset = commit(new LogRecord(next, writes, deletes), events);
            }
            result = changes;
        } finally {
            writeLock.unlock();
        }
        awaitDurable(offset);
        return result;
    }

    @Override
    public List<SpecObject> delete(ObjectKey key, Long expectedResourceVersion, String source) {
        long offset;
        List<SpecObject> result;
        writeLock.lock();
        try {
            SpecObject cur = objects.get(key);
            if (cur == null) {
                throw new NotFoundException(key);
            }
            if (expectedResourceVersion != null && expectedResourceVersion != cur.resourceVersion()) {
                throw new ConflictException(List.of(new FieldError(null, "metadata.resourceVersion", "is "
                        + expectedResourceVersion + ", but " + key.describe() + " is at " + cur.resourceVersion()
                        + ": it changed since you read it")));
            }
            String owner = cur.metadata().source();
            if (!source.equals(owner) && owner != null && owner.startsWith("file:")) {
                throw new ConflictException(List.of(new FieldError(null, "metadata.source", key.describe()
                        + " is managed by " + owner + "; remove it from that file instead")));
            }
            List<SpecObject> victims = new ArrayList<>();
            victims.add(cur);
            if (key.kind() == Kind.Session) {
                objects.values().stream().filter(o -> key.name().equals(o.metadata().session())).forEach(victims::add);
            }
            Instant now = clock.instant();
            long next = resourceVersion;
            List<StoreEvent> events = new ArrayList<>();
            List<SpecObject> deleted = new ArrayList<>();
            for (SpecObject v : victims) {
                SpecObject gone = v.withMetadata(v.metadata().withResourceVersion(++next, now));
                deleted.add(gone);
                events.add(new StoreEvent(StoreEvent.Type.DELETED, gone, v));
            }
            offset = commit(new LogRecord(next, List.of(), victims.stream().map(SpecObject::key).toList()), events);
            result = deleted;
        } finally {
            writeLock.unlock();
        }
        awaitDurable(offset);
        return result;
    }

    @Override
    public Optional<SpecObject> updateStatus(ObjectKey key, ObjectNode status) {
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
            long next = resourceVersion + 1;
            updated = cur.withStatus(status.deepCopy(), next, clock.instant());
            offset = commit(new LogRecord(next, List.of(updated), List.of()),
                    List.of(new StoreEvent(StoreEvent.Type.STATUS, updated, cur)));
        } finally {
            writeLock.unlock();
        }
        awaitDurable(offset);
        return Optional.of(updated);
    }

    /**
     * Writes a step to the log, makes it visible and announces it. Called with the write lock
     * held; the caller acknowledges only after {@link #awaitDurable} of the returned offset, once
     * the lock is released, so that concurrent writers share one disk sync.
     *
     * <p>A step is visible to readers (and listeners) a moment before it is durable. A reader
     * may thus see a write that a crash then loses, but that write was never acknowledged, and
     * any write acknowledged after it (built on it or not) is durable only with it: the log is
     * synced in order.
     *
     * @return the log offset that must be durable before the step is acknowledged (0: nothing written)
     */
    private long commit(LogRecord record, List<StoreEvent> events) {
        if (record.put().isEmpty() && record.delete().isEmpty()) {
            return 0;
        }
        if (failure != null) {
            throw failure;
        }
        long offset;
        try {
            offset = wal.write(Json.MAPPER.writeValueAsBytes(record));
        } catch (IOException e) {
            throw new StoreException("could not write to " + wal.file() + ": " + e.getMessage(), e);
        }
        record.delete().forEach(objects::remove);
        record.put().forEach(o -> objects.put(o.key(), o));
        resourceVersion = record.rv();
        for (StoreEvent e : events) {
            for (StoreListener l : listeners) {
                try {
                    l.onEvent(e);
                } catch (RuntimeException ex) {
                    LOG.errorf(ex, "store listener failed on %s %s", e.type(), e.key());
                }
            }
        }
        maybeCompact();
        return offset;
    }

    private void awaitDurable(long offset) {
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
    public StoreException failure() {
        return failure;
    }

    private void maybeCompact() {
        try {
            if (wal.size() >= Math.max(compactMinBytes, snapshotBytes)) {
                snapshotNow();
            }
        } catch (IOException e) {
            // The log still holds everything: a failed compaction loses nothing; the next write retries it.
            LOG.warnf("store compaction failed (will retry): %s", e.toString());
        }
    }

    /** Folds the log into a snapshot now. */
    public void compact() {
        writeLock.lock();
        try {
            snapshotNow();
        } catch (IOException e) {
            throw new StoreException("compaction failed: " + e.getMessage(), e);
        } finally {
            writeLock.unlock();
        }
    }

    private void snapshotNow() throws IOException {
        long start = System.nanoTime();
        Path snap = dir.resolve(SNAPSHOT);
        Snapshot.write(snap, resourceVersion, objects.values());
        wal.reset();
        snapshotBytes = Files.size(snap);
        LOG.debugf("store compacted: %d objects, %d bytes, in %d ms", objects.size(), snapshotBytes,
                (System.nanoTime() - start) / 1_000_000);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (wal != null) {
                wal.close();
            }
        } catch (IOException e) {
            LOG.warnf("closing %s: %s", wal.file(), e.toString());
        } finally {
            try {
                lock.release();
            } catch (IOException e) {
                LOG.warnf("releasing %s: %s", lockFile, e.toString());
            } finally {
                try {
                    lockChannel.close();
                } catch (IOException e) {
                    LOG.warnf("closing %s: %s", lockFile, e.toString());
                } finally {
                    HELD_LOCKS.remove(lockFile);
                }
            }
        }
    }
}
