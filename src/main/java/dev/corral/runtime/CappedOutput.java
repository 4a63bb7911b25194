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

    private final long maxBytes;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final byte[] tail = new byte[TAIL];
    private int tailLength;
    private boolean outTruncated;
    private boolean errTruncated;

    CappedOutput(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    synchronized void add(Frame f) {
        boolean isErr = f.getStreamType() == StreamType.STDERR;
        byte[] p = f.getPayload();
        if (isErr) {
            keepTail(p);
        }
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

    private void keepTail(byte[] p) {
        if (p.length >= TAIL) {
            System.arraycopy(p, p.length - TAIL, tail, 0, TAIL);
            tailLength = TAIL;
            return;
        }
        int keep = Math.min(tailLength, TAIL - p.length);
        System.arraycopy(tail, tailLength - keep, tail, 0, keep);
        System.arraycopy(p, 0, tail, keep, p.length);
        tailLength = keep + p.length;
    }

    synchronized Logs logs() {
        return new Logs(utf8(out.toByteArray()), outTruncated, utf8(err.toByteArray()), errTruncated);
    }

    synchronized String stderrTail() {
        return new String(tail, 0, tailLength, StandardCharsets.UTF_8);
    }

    private static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
