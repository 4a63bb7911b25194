package dev.corral.gitops;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Watches a directory tree and runs a task once events stop arriving for the debounce time,
 * so an editor's save (write, rename, chmod) or a {@code git pull} of many files is one sync.
 */
final class DirectoryWatcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DirectoryWatcher.class);

    private final Path root;
    private final Duration debounce;
    private final ScheduledExecutorService executor;
    private final Runnable task;
    private WatchService service;
    private Thread thread;
    private ScheduledFuture<?> pending;

    DirectoryWatcher(Path root, Duration debounce, ScheduledExecutorService executor, Runnable task) {
        this.root = root;
        this.debounce = debounce;
        this.executor = executor;
        this.task = task;
    }

    void start() {
        try {
            service = FileSystems.getDefault().newWatchService();
            if (Files.isDirectory(root)) {
                registerTree(root);
            }
        } catch (IOException e) {
            LOG.warnf("cannot watch %s (%s); relying on the periodic rescan", root, e.getMessage());
            return;
        }
        thread = new Thread(this::loop, "corral-specs-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void registerTree(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                if (!d.equals(root) && d.getFileName().toString().startsWith(".")) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                d.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                        StandardWatchEventKinds.ENTRY_MODIFY);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private void loop() {
        try {
            while (true) {
                WatchKey key = service.take();
                Path dir = (Path) key.watchable();
                for (WatchEvent<?> ev : key.pollEvents()) {
                    if (ev.kind() == StandardWatchEventKinds.ENTRY_CREATE && ev.context() instanceof Path p
                            && Files.isDirectory(dir.resolve(p))) {
                        try {
                            registerTree(dir.resolve(p));
                        } catch (IOException e) {
                            LOG.warnf("cannot watch %s: %s", dir.resolve(p), e.getMessage());
                        }
                    }
                }
                key.reset();
                schedule();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void schedule() {
        if (pending != null) {
            pending.cancel(false);
        }
        pending = executor.schedule(task, debounce.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        try {
            if (service != null) {
                service.close();
            }
        } catch (IOException e) {
            LOG.debug("closing the watch service", e);
        }
    }
}
