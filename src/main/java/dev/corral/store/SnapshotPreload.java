package dev.corral.store;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A snapshot read ahead: parsed on a thread of its own from the first instant of the process, while
 * Quarkus boots on the other core, and taken by the store when it opens the same file unchanged.
 *
 * <p>Why: with 10 000 specs the snapshot's parse (~300 ms) was the last step of the start, after
 * Quarkus's own (~0.9 s, on one core); read ahead, it is hidden behind them.
 *
 * <p>Nothing depends on it being right. The directory it reads is a guess made before Quarkus's
 * configuration exists ({@code corral.data-dir} as a system property, then {@code CORRAL_DATA_DIR},
 * then the default); a store that opens another directory reads its own. And it is read before the
 * directory's lock is held, so the store takes it only if the file is still the one that was read
 * (same file key, size and modification time: a snapshot is only ever replaced by a rename, which
 * gives a new file); otherwise, or if the read ahead failed, the store reads the file itself.
 */
public final class SnapshotPreload {

    private static final Logger LOG = Logger.getLogger(SnapshotPreload.class);
    private static final AtomicReference<CompletableFuture<Read>> PENDING = new AtomicReference<>();

    /** What was read, and the file's identity when it was. */
    private record Read(Path file, BasicFileAttributes attributes, Snapshot.Contents contents) { }

    private SnapshotPreload() {
    }

    /** Starts reading {@code dataDir}'s snapshot, if there is one, on a daemon thread. */
    public static void start(Path dataDir) {
        Path file = dataDir.resolve(FileSpecStore.SNAPSHOT).toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            return;
        }
        CompletableFuture<Read> future = new CompletableFuture<>();
        if (!PENDING.compareAndSet(null, future)) {
            return;
        }
        Thread thread = new Thread(() -> {
            try {
                BasicFileAttributes before = Files.readAttributes(file, BasicFileAttributes.class);
                Snapshot.Contents contents = Snapshot.read(file);
                BasicFileAttributes after = Files.readAttributes(file, BasicFileAttributes.class);
                if (!same(before, after)) { // replaced while it was read: what was read may be a mix
                    throw new IOException(file + " changed while it was read ahead");
                }
                future.complete(new Read(file, before, contents));
            } catch (Throwable e) { // an Error too (out of memory): the store must not wait forever
                future.completeExceptionally(e);
            }
        }, "corral-snapshot-preload");
        thread.setDaemon(true);
        thread.start();
    }

    private static boolean same(BasicFileAttributes a, BasicFileAttributes b) {
        return Objects.equals(a.fileKey(), b.fileKey()) && a.size() == b.size()
                && a.lastModifiedTime().equals(b.lastModifiedTime());
    }

    /** Forgets what was read ahead (a store of another kind will not take it). */
    public static void discard() {
        PENDING.set(null);
    }

    /**
     * The contents of {@code file} if they were read ahead and the file has not changed since; once
     * only (what was read is forgotten either way). Waits for a read still under way.
     */
    static Optional<Snapshot.Contents> take(Path file) {
        CompletableFuture<Read> future = PENDING.getAndSet(null);
        if (future == null) {
            return Optional.empty();
        }
        Read read;
        try {
            read = future.join();
        } catch (RuntimeException e) { // CompletionException, whatever the read ahead failed with
            // The store's own read gives the error its full context (which file, which line).
            LOG.debugf(e, "the snapshot read ahead failed; the store reads it itself");
            return Optional.empty();
        }
        Path wanted = file.toAbsolutePath().normalize();
        if (!read.file().equals(wanted)) {
            return Optional.empty();
        }
        try {
            BasicFileAttributes now = Files.readAttributes(wanted, BasicFileAttributes.class);
            return same(read.attributes(), now) ? Optional.of(read.contents()) : Optional.empty();
        } catch (IOException e) { // gone since: the store finds out itself
            return Optional.empty();
        }
    }
}
