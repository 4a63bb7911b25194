package dev.corral.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.config.CorralConfig;
import dev.corral.spec.Json;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code <data-dir>/audit.log}: one JSON line per request that changes something. Lines are
 * handed to one writer thread, so a request never waits for the disk (the store's own write is
 * the request's durable step); the file is rotated by size to {@code audit.log.1} ... {@code .N}.
 * Nothing secret is written: the caller builds lines from the token's name, never the token,
 * and never from the request body.
 */
@ApplicationScoped
public class AuditLog {

    private static final Logger LOG = Logger.getLogger(AuditLog.class);
    public static final String FILE = "audit.log";

    @Inject
    CorralConfig config;

    /** Bounded so that a stalled disk cannot grow memory without end; a full queue makes a request wait briefly. */
    private final BlockingQueue<byte[]> queue = new LinkedBlockingQueue<>(100_000);
    private Thread writer;
    private volatile boolean stopping;
    private Path file;

    @PostConstruct
    void start() {
        file = config.dataDir().resolve(FILE);
        writer = new Thread(this::drain, "corral-audit");
        writer.setDaemon(true);
        writer.start();
    }

    /** Queues one entry (a JSON object) to be written as a line. */
    public void write(ObjectNode entry) {
        byte[] line;
        try {
            line = Json.MAPPER.writeValueAsBytes(entry);
        } catch (IOException e) {
            LOG.warnf("audit entry not written: %s", e.toString());
            return;
        }
        try {
            if (!queue.offer(line, 5, TimeUnit.SECONDS)) {
                LOG.errorf("the audit log is not keeping up; an entry was dropped: %s", new String(line,
                        java.nio.charset.StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void drain() {
        OutputStream out = null;
        long size = 0;
        List<byte[]> batch = new ArrayList<>();
        while (!stopping || !queue.isEmpty()) {
            try {
                byte[] first = queue.poll(500, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, 1000);
                if (out == null) {
                    Files.createDirectories(file.getParent());
                    out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    size = Files.size(file);
                }
                for (byte[] line : batch) {
                    if (size > 0 && size + line.length + 1 > config.audit().maxBytes()) {
                        out.close();
                        rotate();
                        out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                        size = 0;
                    }
                    out.write(line);
                    out.write('\n');
                    size += line.length + 1;
                }
                out.flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException e) {
                LOG.errorf("writing the audit log %s failed (%d entries lost): %s", file, batch.size(), e.toString());
                out = null;
            } finally {
                batch.clear();
            }
        }
        try {
            if (out != null) {
                out.close();
            }
        } catch (IOException e) {
            LOG.warnf("closing %s: %s", file, e.toString());
        }
    }

    private void rotate() throws IOException {
        int keep = Math.max(1, config.audit().maxFiles());
        Files.deleteIfExists(sibling(keep));
        for (int i = keep - 1; i >= 1; i--) {
            if (Files.exists(sibling(i))) {
                Files.move(sibling(i), sibling(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(file, sibling(1), StandardCopyOption.REPLACE_EXISTING);
    }

    private Path sibling(int n) {
        return file.resolveSibling(FILE + "." + n);
    }

    /** Writes what is queued before Corral stops. */
    void stop(@Observes ShutdownEvent ev) throws InterruptedException {
        stopping = true;
        writer.join(5000);
    }

    /** Lines queued and not yet written, for tests. */
    public boolean idle() {
        return queue.isEmpty();
    }
}
