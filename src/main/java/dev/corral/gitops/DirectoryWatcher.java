package dev.corral.gitops;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Watches what a {@link SpecsTree} listing asks for (whole directories, and single names in other
 * directories: the links on the way to the specs and the specs directory's own name in its parent)
 * and runs a task once events stop arriving for the debounce time, so an editor's save, a
 * {@code git checkout} of many files or a swapped link is one sync. A burst that never pauses is
 * synced at the latest ten debounce times after its first event.
 *
 * <p>The set of watched directories follows the listings: {@link #dir} and {@link #name} add as the
 * tree is listed (before each directory is read), {@link #retain} drops what the last listing no
 * longer reached (an old worktree, a replaced {@code ..2024_…} directory).
 */
final class DirectoryWatcher implements AutoCloseable, SpecsTree.Watches {

    private static final Logger LOG = Logger.getLogger(DirectoryWatcher.class);

    private final Duration debounce;
    private final ScheduledExecutorService executor;
    private final Runnable task;
    private final Map<Path, Registered> keys = new ConcurrentHashMap<>();
    private final Set<Path> wholeDirs = ConcurrentHashMap.newKeySet();
    private final Map<Path, Set<String>> names = new ConcurrentHashMap<>();
    private WatchService service;
    private ScheduledFuture<?> pending;
    private long burstStart;

    DirectoryWatcher(Duration debounce, ScheduledExecutorService executor, Runnable task) {
        this.debounce = debounce;
        this.executor = executor;
        this.task = task;
    }

    void start() {
        try {
            service = FileSystems.getDefault().newWatchService();
        } catch (IOException e) {
            LOG.warnf("cannot watch the specs directory (%s); relying on the periodic rescan", e.getMessage());
            return;
        }
        Thread thread = new Thread(this::loop, "corral-specs-watch");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void dir(Path realDir) {
        if (register(realDir)) {
            wholeDirs.add(realDir);
        }
    }

    @Override
    public void name(Path realDir, String name) {
        if (register(realDir)) {
            names.computeIfAbsent(realDir, k -> ConcurrentHashMap.newKeySet()).add(name);
        }
    }

    /** A registration, and the directory (inode) it was made for. */
    private record Registered(WatchKey key, Object fileKey) {
    }

    /**
     * Registers, or confirms the registration of, a directory: one replaced by another at the same
     * path (a new inode) gets a new key, and the old one is dropped.
     */
    private boolean register(Path dir) {
        if (service == null) {
            return false;
        }
        try {
            Object fileKey = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            Registered cur = keys.get(dir);
            if (cur != null && cur.key().isValid() && fileKey != null && fileKey.equals(cur.fileKey())) {
                return true;
            }
            WatchKey key = dir.register(service, StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY);
            Registered old = keys.put(dir, new Registered(key, fileKey));
            if (old != null && old.key() != key) {
                old.key().cancel();
            }
            return true;
        } catch (IOException | ClosedWatchServiceException e) {
            LOG.debugf("cannot watch %s: %s", dir, e.getMessage());
            return false;
        }
    }

    /** Stops watching what the last listing did not reach. */
    void retain(Set<Path> dirs, Map<Path, Set<String>> keptNames) {
        wholeDirs.retainAll(dirs);
        names.keySet().retainAll(keptNames.keySet());
        names.forEach((dir, set) -> set.retainAll(keptNames.get(dir)));
        keys.entrySet().removeIf(e -> {
            boolean drop = !dirs.contains(e.getKey()) && !keptNames.containsKey(e.getKey());
            if (drop) {
                e.getValue().key().cancel();
            }
            return drop;
        });
    }

    private void loop() {
        try {
            while (true) {
                WatchKey key = service.take();
                Path dir = (Path) key.watchable();
                boolean relevant = false;
                for (WatchEvent<?> ev : key.pollEvents()) {
                    relevant |= ev.kind() == StandardWatchEventKinds.OVERFLOW || wholeDirs.contains(dir)
                            || (ev.context() instanceof Path p
                            && names.getOrDefault(dir, Set.of()).contains(p.getFileName().toString()));
                }
                if (!key.reset()) {
                    // The directory is gone (an old worktree removed); the sync this causes re-lists.
                    keys.computeIfPresent(dir, (d, r) -> r.key() == key ? null : r);
                    relevant |= wholeDirs.contains(dir);
                }
                if (relevant) {
                    trigger();
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A sync once nothing has changed for the debounce time (also how the periodic rescan asks for one). */
    synchronized void trigger() {
        long now = System.nanoTime();
        if (pending == null || pending.isDone()) {
            burstStart = now;
        } else {
            pending.cancel(false);
        }
        long wait = debounce.toMillis();
        long left = 10 * wait - TimeUnit.NANOSECONDS.toMillis(now - burstStart);
        pending = executor.schedule(task, Math.max(0, Math.min(wait, left)), TimeUnit.MILLISECONDS);
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
