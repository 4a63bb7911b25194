package dev.corral.runtime;

import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A container's stdout and stderr gathered from multiplexed frames, each stream cut at a cap,
 * plus the last bytes of stderr whatever the cap (a run's launcher reports on its last line).
 */
final class CappedOutput {

    private static final int TAIL = 4096;
    private static final int OUT_TAIL = 256;

    private final long maxBytes;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Tail tail = new Tail(TAIL);
    private final Tail outTail = new Tail(OUT_TAIL);
    private boolean outTruncated;
    private boolean errTruncated;

    CappedOutput(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    synchronized void add(Frame f) {
        boolean isErr = f.getStreamType() == StreamType.STDERR;
        byte[] p = f.getPayload();
        (isErr ? tail : outTail).keep(p);
        ByteArrayOutputStream target = isErr ? err : out;
        long room = maxBytes - target.size();
        int n = (int) Math.max(0, Math.min(room, p.length));
        target.write(p, 0, n);
        if (n < p.length) {
            if (isErr) {
                errTruncated = true;
            } else {
                outTruncated = true;
            }
        }
    }

    /** The last bytes of a stream, whatever the cap. */
    private static final class Tail {
        private final byte[] bytes;
        private int length;

        Tail(int size) {
            bytes = new byte[size];
        }

        void keep(byte[] p) {
            int size = bytes.length;
            if (p.length >= size) {
                System.arraycopy(p, p.length - size, bytes, 0, size);
                length = size;
                return;
            }
            int keep = Math.min(length, size - p.length);
            System.arraycopy(bytes, length - keep, bytes, 0, keep);
            System.arraycopy(p, 0, bytes, keep, p.length);
            length = keep + p.length;
        }

        @Override
        public String toString() {
            return new String(bytes, 0, length, StandardCharsets.UTF_8);
        }
    }

    synchronized boolean complete(OutputEnd end) {
        return end.complete(outTail.toString(), tail.toString());
    }

    synchronized Logs logs() {
        return new Logs(utf8(out.toByteArray()), outTruncated, utf8(err.toByteArray()), errTruncated);
    }

    synchronized String stderrTail() {
        return tail.toString();
    }

    private static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
