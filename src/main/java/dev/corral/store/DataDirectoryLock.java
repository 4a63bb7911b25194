package dev.corral.store;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** The data directory's LOCK file, held while a store has the directory open: one store per directory. */
final class DataDirectoryLock implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DataDirectoryLock.class);
    static final String LOCK = "LOCK";
    /**
     * LOCK files (real paths) held by open stores in this JVM (this class loader). An OS file lock
     * keeps other processes out, but not this one, and a second channel on the file must not even
     * be opened: closing it would drop the first store's lock.
     */
    private static final Set<Path> HELD_LOCKS = ConcurrentHashMap.newKeySet();
    /** Channels on a LOCK file locked elsewhere in this JVM: never closed, as closing would drop that lock. */
    private static final List<FileChannel> PARKED_CHANNELS = new CopyOnWriteArrayList<>();

    private final Path lockFile;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryLock(Path lockFile, FileChannel channel, FileLock lock) {
        this.lockFile = lockFile;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Creates {@code dir} if need be and locks it.
     *
     * @throws StoreException if another store, in this process or another, has it open
     */
    static DataDirectoryLock acquire(Path dir) {
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
        FileChannel channel = null;
        boolean handedOver = false;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                // Locked in this JVM outside this registry (e.g. by a store loaded by another class
                // loader, which has its own): closing our channel would drop that lock. Park the
                // channel, reachable so that no cleaner closes it, and leave the lock alone.
                PARKED_CHANNELS.add(channel);
                channel = null;
                LOG.warnf("%s is locked by other code in this process; keeping a channel on it open rather than"
                        + " releasing that lock by closing it", lockFile);
                throw new StoreException("the data directory " + dir.toAbsolutePath()
                        + " is in use by other code in this process (its LOCK file is locked)");
            }
            if (lock == null) {
                throw new StoreException("the data directory " + dir.toAbsolutePath()
                        + " is in use by another Corral process (its LOCK file is locked)");
            }
            handedOver = true; // the returned lock owns the channel from here, and close() releases it
            return new DataDirectoryLock(lockFile, channel, lock);
        } catch (IOException e) {
            throw new StoreException("cannot open the data directory " + dir.toAbsolutePath() + ": " + e, e);
        } finally {
            if (!handedOver) {
                // Failed before the lock was handed over: no other channel in this JVM is open on
                // LOCK (the registry saw to that), so closing this one releases only our own lock.
                if (channel != null) {
                    try {
                        channel.close();
                    } catch (IOException e) {
                        LOG.warnf("closing %s: %s", lockFile, e.toString());
                    }
                }
                HELD_LOCKS.remove(lockFile);
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            LOG.warnf("releasing %s: %s", lockFile, e.toString());
        } finally {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.warnf("closing %s: %s", lockFile, e.toString());
            } finally {
                HELD_LOCKS.remove(lockFile);
            }
        }
    }
}
