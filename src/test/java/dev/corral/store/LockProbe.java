package dev.corral.store;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Run in a separate JVM by the lock tests: tries to take the lock on the file named by its
 * argument, as a second Corral process would. Exits 0 if it got the lock, 3 if it is held elsewhere.
 */
public final class LockProbe {

    static final int LOCKED_ELSEWHERE = 3;

    private LockProbe() {
    }

    public static void main(String[] args) throws Exception {
        try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock = ch.tryLock();
            if (lock == null) {
                System.exit(LOCKED_ELSEWHERE);
            }
            lock.release();
        }
        System.exit(0);
    }

    /** Runs the probe in a new JVM against {@code lockFile}; returns its exit code. */
    static int probe(Path lockFile) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), LockProbe.class.getName(), lockFile.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        int code = p.waitFor();
        if (code != 0 && code != LOCKED_ELSEWHERE) {
            throw new AssertionError("lock probe failed (exit " + code + "): " + out);
        }
        return code;
    }
}
