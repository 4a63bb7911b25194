package dev.corral.store;

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
 * off by a crash and never acknowledged: it is cut away. A bad record followed by more data is
 * corruption, and replay refuses to guess.
 */
final class WriteAheadLog implements AutoCloseable {

    private static final int HEADER = 8;
    static final int MAX_RECORD = 512 * 1024 * 1024;

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

    private WriteAheadLog(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /**
     * Opens the log, feeding every intact record to {@code replay} in order.
     *
     * @throws StoreException if a record in the middle of the log is corrupt
     */
    static WriteAheadLog open(Path file, Consumer<byte[]> replay) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long size = ch.size();
        long pos = 0;
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        while (pos < size) {
            header.clear();
            boolean torn = size - pos < HEADER;
            int length = 0;
            int crc = 0;
            if (!torn) {
                ch.read(header, pos);
                header.flip();
                length = header.getInt();
                crc = header.getInt();
                torn = length < 0 || length > MAX_RECORD || size - pos - HEADER < length;
            }
            byte[] payload = null;
            if (!torn) {
                ByteBuffer body = ByteBuffer.allocate(length);
                while (body.hasRemaining()) {
                    ch.read(body, pos + HEADER + body.position());
                }
                payload = body.array();
                if (crc(payload) != crc) {
                    if (pos + HEADER + length < size) {
                        ch.close();
                        throw new StoreException(file + " is corrupt: the record at byte " + pos
                                + " fails its checksum and more records follow it. Corral will not start on a"
                                + " damaged store; restore the data directory from a backup, or move this file"
                                + " aside to start from the last snapshot.");
                    }
                    torn = true;
                }
            }
            if (torn) {
                org.jboss.logging.Logger.getLogger(WriteAheadLog.class).warnf(
                        "%s: discarding %d bytes at offset %d, a write cut off by a crash before it was acknowledged",
                        file, size - pos, pos);
                ch.truncate(pos);
                ch.force(true);
                break;
            }
            replay.accept(payload);
            pos += HEADER + length;
        }
        ch.position(ch.size());
        WriteAheadLog wal = new WriteAheadLog(file, ch);
        wal.written = ch.size();
        wal.durable = ch.size();
        return wal;
    }

    /**
     * Appends one record without waiting for the disk. Callers serialise writes.
     *
     * @return the logical offset to pass to {@link #awaitDurable}
     */
    long write(byte[] payload) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(HEADER + payload.length);
        buf.putInt(payload.length).putInt(crc(payload)).put(payload).flip();
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
        written = base + channel.position();
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
                channel.force(false);
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
        long size = channel.size();
        channel.truncate(0);
        channel.position(0);
        channel.force(true);
        synchronized (syncMonitor) {
            base += size;
            written = base;
            durable = Math.max(durable, base);
            syncMonitor.notifyAll();
        }
    }

    long size() throws IOException {
        return channel.size();
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
        channel.close();
    }
}
