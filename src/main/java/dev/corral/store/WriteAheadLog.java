package dev.corral.store;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * An append-only file of records, each framed as {@code [length:int][crc32c:int][payload]}.
 * {@link #write} appends a record and returns its end as a logical offset; {@link #awaitDurable}
 * returns once the file is synced (fdatasync) at least that far. Syncs are shared (group
 * commit): while one thread syncs, the records written meanwhile wait for the next sync, and
 * that one sync covers them all. So a batch of any size costs one sync, and concurrent writers
 * share theirs. On replay, a short or mismatching final record is a write that was cut
 * off by a crash and never acknowledged: it is cut away. A bad record followed by an intact one
 * is corruption, and replay refuses to guess (see {@link #open}).
 *
 * <p>Every operation on the open file runs on one thread of the log's own, never interrupted: a
 * {@link FileChannel} whose user is interrupted in the middle of a call closes itself, for every
 * user, and the log would then refuse every write until a restart (seen when Corral stopped while a
 * reconcile worker was writing a status: its interrupt closed the log). A caller interrupted while it
 * waits keeps its interrupt, and its write still completes.
 */
final class WriteAheadLog implements AutoCloseable {

    private static final int HEADER = 8;
    static final int MAX_RECORD = 512 * 1024 * 1024;
    private static final int SCAN_CHUNK = 1024 * 1024;

    private final Path file;
    private final FileChannel channel;
    private final Object syncMonitor = new Object();
    /** Logical offset of the file's byte 0: grows at each reset, so offsets stay comparable across resets. */
    private volatile long base;
    /** Logical offset up to which records have been written (not necessarily synced). */
    private volatile long written;
    /** Logical offset up to which the file is known to be on disk. Guarded by syncMonitor. */
    private long durable;
    private boolean syncing;
    private IOException failure;

    private final java.util.concurrent.ExecutorService io;

    private WriteAheadLog(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
        this.io = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "corral-wal-" + file.getFileName());
            t.setDaemon(true);
            return t;
        });
    }

    /** An operation on the channel, on the log's own thread; waited for whatever interrupts the caller. */
    private interface Io<T> {
        T run() throws IOException;
    }

    private <T> T onIoThread(Io<T> op) throws IOException {
        java.util.concurrent.Future<T> f;
        try {
            f = io.submit(op::run);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new java.nio.channels.ClosedChannelException();
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof IOException ioe) {
                        throw ioe;
                    }
                    if (cause instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IOException(cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Opens the log, feeding every intact record to {@code replay} in order.
     *
     * <p>A record is intact if its length is plausible (1 to {@link #MAX_RECORD}, within the file)
     * and its payload matches its CRC32C. At the first record that is not, replay decides between
     * two cases. A torn tail (the last batch, cut off by a crash before it was acknowledged; or
     * space the file system allocated but never wrote, which reads as zeros) is cut away. But
     * writes are group-committed, so a crash tears at most the last batch: if an intact record
     * starts anywhere after the damage, the damage is in the middle of acknowledged data, and
     * replay refuses to open rather than drop what follows it. The search for a later record
     * runs only on this failure path.
     *
     * @throws StoreException if a record in the middle of the log is corrupt (the file is left untouched)
     */
    static WriteAheadLog open(Path file, Consumer<byte[]> replay) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            replay(file, ch, replay);
            ch.position(ch.size());
            WriteAheadLog wal = new WriteAheadLog(file, ch);
            wal.written = ch.size();
            wal.durable = ch.size();
            return wal;
        } catch (Throwable t) {
            try {
                ch.close();
            } catch (IOException e) {
                t.addSuppressed(e);
            }
            throw t;
        }
    }

    private static void replay(Path file, FileChannel ch, Consumer<byte[]> replay) throws IOException {
        long size = ch.size();
        long pos = 0;
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        while (pos < size) {
            String damage = null;
            int length = 0;
            int crc = 0;
            if (size - pos < HEADER) {
                damage = "a header cut short";
            } else {
                header.clear();
                readFully(ch, header, pos);
                header.flip();
                length = header.getInt();
                crc = header.getInt();
                if (length <= 0 || length > MAX_RECORD) {
                    damage = "an invalid length (" + length + ")";
                } else if (size - pos - HEADER < length) {
                    damage = "a length (" + length + ") running past the end of the file";
                }
            }
            byte[] payload = null;
            if (damage == null) {
                ByteBuffer body = ByteBuffer.allocate(length);
                readFully(ch, body, pos + HEADER);
                payload = body.array();
                if (crc(payload) != crc) {
                    damage = "a checksum mismatch";
                }
            }
            if (damage != null) {
                long later = findIntactRecord(ch, pos + 1, size);
                if (later >= 0) {
                    throw new StoreException(file + " is corrupt: the record at byte " + pos + " has " + damage
                            + ", and an intact record follows it at byte " + later + ". Corral will not start on a"
                            + " damaged store; restore the data directory from a backup, or move this file"
                            + " aside to start from the last snapshot.");
                }
                org.jboss.logging.Logger.getLogger(WriteAheadLog.class).warnf(
                        "%s: discarding %d bytes at offset %d (%s), a write cut off by a crash before it was acknowledged",
                        file, size - pos, pos, damage);
                ch.truncate(pos);
                ch.force(true);
                return;
            }
            replay.accept(payload);
            pos += HEADER + length;
        }
    }

    /**
     * The offset of the first intact record (plausible non-zero length, matching CRC32C) starting
     * at or after {@code from}, at any byte offset, or -1 if there is none. Reads the region in
     * chunks; checks a payload's CRC only where the header is plausible.
     */
    static long findIntactRecord(FileChannel ch, long from, long size) throws IOException {
        ByteBuffer window = ByteBuffer.allocate(SCAN_CHUNK + HEADER - 1);
        ByteBuffer payload = null;
        long windowStart = from;
        while (size - windowStart >= HEADER) {
            window.clear();
            window.limit((int) Math.min(window.capacity(), size - windowStart));
            readFully(ch, window, windowStart);
            int candidates = window.limit() - HEADER + 1;
            for (int i = 0; i < candidates; i++) {
                int length = window.getInt(i);
                long q = windowStart + i;
                if (length <= 0 || length > MAX_RECORD || size - q - HEADER < length) {
                    continue;
                }
                int crc = window.getInt(i + 4);
                CRC32C c = new CRC32C();
                long at = q + HEADER;
                long end = at + length;
                if (payload == null) {
                    payload = ByteBuffer.allocate(SCAN_CHUNK);
                }
                while (at < end) {
                    payload.clear();
                    payload.limit((int) Math.min(payload.capacity(), end - at));
                    readFully(ch, payload, at);
                    payload.flip();
                    c.update(payload);
                    at += payload.limit();
                }
                if ((int) c.getValue() == crc) {
                    return q;
                }
            }
            windowStart += candidates;
        }
        return -1;
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        long at = pos;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, at);
            if (n < 0) {
                throw new EOFException("unexpected end of file at byte " + at);
            }
            at += n;
        }
    }

    /**
     * Appends one record without waiting for the disk. Callers serialise writes.
     *
     * @return the logical offset to pass to {@link #awaitDurable}
     */
    long write(byte[] payload) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(HEADER + payload.length);
        buf.putInt(payload.length).putInt(crc(payload)).put(payload).flip();
        long end = onIoThread(() -> {
            long start = channel.position();
            try {
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
            } catch (IOException e) {
                // Leave no half record behind for the next write to build on.
                channel.truncate(start);
                channel.position(start);
                throw e;
            }
            return channel.position();
        });
        written = base + end;
        return written;
    }

    /**
     * Waits until everything up to {@code offset} is on disk, syncing if no other thread is.
     *
     * @throws IOException if a sync failed: after that the log is unusable (the page cache may
     *                     have dropped the data), and so is every later write
     */
    void awaitDurable(long offset) throws IOException {
        while (true) {
            long target;
            synchronized (syncMonitor) {
                while (true) {
                    if (failure != null) {
                        throw failure;
                    }
                    if (durable >= offset) {
                        return;
                    }
                    if (!syncing) {
                        break;
                    }
                    try {
                        syncMonitor.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted while waiting for the disk", e);
                    }
                }
                syncing = true;
                target = written;
            }
            IOException error = null;
            try {
                onIoThread(() -> {
                    channel.force(false);
                    return null;
                });
            } catch (IOException e) {
                error = e;
            }
            synchronized (syncMonitor) {
                syncing = false;
                if (error != null) {
                    failure = error;
                } else {
                    durable = Math.max(durable, target);
                }
                syncMonitor.notifyAll();
            }
        }
    }

    /** Empties the log once a (synced) snapshot holds everything in it. Callers serialise this with writes. */
    void reset() throws IOException {
        long size = onIoThread(() -> {
            long was = channel.size();
            channel.truncate(0);
            channel.position(0);
            channel.force(true);
            return was;
        });
        synchronized (syncMonitor) {
            base += size;
            written = base;
            durable = Math.max(durable, base);
            syncMonitor.notifyAll();
        }
    }

    long size() throws IOException {
        return onIoThread(channel::size);
    }

    Path file() {
        return file;
    }

    private static int crc(byte[] payload) {
        CRC32C c = new CRC32C();
        c.update(payload);
        return (int) c.getValue();
    }

    @Override
    public void close() throws IOException {
        try {
            onIoThread(() -> {
                channel.close();
                return null;
            });
        } finally {
            io.shutdown();
        }
    }
}
