package dev.corral.gitops;

import dev.corral.config.CorralConfig;
import dev.corral.leader.Leadership;
import dev.corral.store.ApplyOptions;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * GitOps: keeps the store in step with the files of {@code corral.specs-dir}. Each file is its
 * own source ({@code file:<relative path>}) and is applied all or nothing; objects a file no
 * longer declares, and every object of a file that is gone, are pruned; a file that fails to
 * parse, validate or apply changes nothing. Syncs run on one thread, at start-up, after a burst
 * of file-system events has settled, and on a periodic rescan (itself debounced).
 *
 * <p><b>Layouts.</b> The directory may be, or contain, symbolic links, and may change many files
 * at once: a {@code git checkout} of another branch, git-sync's link swapped atomically to a new
 * worktree, a Kubernetes ConfigMap volume (visible files linking into {@code ..data}, itself a link
 * swapped atomically to a new {@code ..2024_…} directory), a release link re-pointed with
 * {@code ln -sfn}. How (see {@link SpecsTree} for the listing rules):
 * <ul>
 *   <li><b>Swaps are noticed</b>: the configured path is resolved through its links at every sync, and
 *   besides every directory listed, the watcher watches the name of each link on the way (in the
 *   link's parent directory) and the directory's own name in its parent. Re-pointing the link is an
 *   event there; the sync it causes lists the new tree and moves the watches to it.</li>
 *   <li><b>One consistent read</b>: a sync lists the tree, reads every file (through the real path its
 *   visible name resolved to), then lists again; if the two listings differ (a swap happened while
 *   reading), or a file vanished in between, it starts over (up to five times, then waits for the next
 *   event). So a sync never mixes two revisions.</li>
 *   <li><b>A burst is one sync</b>: events are debounced ({@code corral.specs.debounce}, 300 ms; a burst
 *   that never pauses is synced after ten times that), and a sync takes the whole directory at once.</li>
 *   <li><b>Objects that move between files keep their identity.</b> Files stay separate all-or-nothing
 *   applies (a broken file must not hold back the others), so a revision is applied in two steps.
 *   First every changed file is applied without pruning; an object it declares that belongs to another
 *   file which, in this same revision, no longer declares it (or is gone) is <em>taken over</em>
 *   ({@link ApplyOptions#fileAdopting}): same uid, a new owner, a new generation only if its spec
 *   changed — not a conflict, and not a delete and create. Then each applied file prunes what it no
 *   longer declares, and files that are gone are pruned. Pruning comes last, so nothing that moved is
 *   ever deleted on the way; unchanged files are not applied at all, and unchanged objects of changed
 *   files stay unchanged (same resourceVersion). An object still declared by its old file (or whose
 *   old file fails to parse) stays there, and the new claim is a conflict, as before.</li>
 *   <li><b>A vanished directory changes nothing.</b> When the configured path does not exist, dangles,
 *   loops or is not a directory, nothing is applied or pruned (logged once): {@code ln -sfn} on older
 *   coreutils unlinks before it links, and an unmounted volume is not an empty one. Only an existing,
 *   empty directory prunes everything.</li>
 *   <li><b>Links</b> whose target is outside the real directory are refused, with an error on their
 *   source and a WARN, unless {@code corral.specs.follow-external-links=true}; loops are errors on
 *   their source and never followed. A refused source keeps its objects, as a broken file does.</li>
 * </ul>
 */
@ApplicationScoped
public class SpecsDirectory {

    private static final Logger LOG = Logger.getLogger(SpecsDirectory.class);
    /** Listings that differ before and after reading, in a row, before a sync gives up and waits for the next event. */
    private static final int READ_ATTEMPTS = 5;

    @Inject
    CorralConfig config;

    @Inject
    SourceRegistry registry;

    @Inject
    RevisionApply revision;

    @Inject
    MeterRegistry meters;

    @Inject
    Leadership leadership;

    private volatile boolean initialSyncDone;
    private volatile boolean stopped;
    private ScheduledExecutorService executor;
    private DirectoryWatcher watcher;
    private SpecsTree tree;
    private String unavailable;

    void start(@Observes StartupEvent ev) {
        if (config.specsDir().isEmpty()) {
            initialSyncDone = true;
            return;
        }
        // With several Corrals on one etcd store, only the leader applies the directory (Leadership).
        leadership.whenLeading(this::startWatching);
    }

    private void startWatching() {
        // Not synchronized: the first sync below runs on the executor and takes this bean's lock.
        if (stopped) {
            return;
        }
        Path dir = config.specsDir().get().toAbsolutePath().normalize();
        Gauge.builder("corral_specs_dir_failing_files", registry,
                        r -> r.files().values().stream().filter(f -> !f.errors().isEmpty()).count())
                .description("Files of the specs directory that were not applied (each says why in /sources)")
                .register(meters);
        executor = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "corral-specs-dir");
            t.setDaemon(true);
            return t;
        });
        tree = new SpecsTree(config.specs().followExternalLinks());
        // Started first: each sync registers what it lists before reading it.
        watcher = new DirectoryWatcher(config.specs().debounce(), executor, this::sync);
        watcher.start();
        try {
            // Applied once before Corral reports ready, so readiness means "the directory is in the store".
            executor.submit(this::sync).get();
        } catch (Exception e) {
            LOG.errorf(e, "first apply of %s failed", dir);
        }
        initialSyncDone = true;
        long rescan = config.specs().rescanInterval().toMillis();
        executor.scheduleWithFixedDelay(watcher::trigger, rescan, rescan, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent ev) {
        stopped = true;
        if (watcher != null) {
            watcher.close();
        }
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    /** Whether the directory is in the store, as far as this replica is concerned (a follower leaves it to the leader). */
    public boolean initialSyncDone() {
        return initialSyncDone || !leadership.isLeader();
    }

    /** Schedules a sync now (on the directory's thread) and waits for it; used by tests and the API. */
    public void syncNow() throws Exception {
        if (executor != null) {
            executor.submit(this::sync).get();
        }
    }

    /** One pass over the directory. Never throws: every problem is recorded on its file. */
    synchronized void sync() {
        Path configured = config.specsDir().orElseThrow().toAbsolutePath().normalize();
        for (int attempt = 1; attempt <= READ_ATTEMPTS; attempt++) {
            SpecsTree.Listing listing = tree.list(configured, watcher);
            if (!listing.available()) {
                watcher.retain(Set.of(), listing.names());
                if (!listing.problem().equals(unavailable)) {
                    LOG.warnf("the specs directory %s %s; nothing is applied or pruned until it is back",
                            configured, listing.problem());
                    unavailable = listing.problem();
                }
                return;
            }
            Map<String, SpecsFileReader.Content> contents = SpecsFileReader.read(listing, config.api().maxBodyBytes());
            SpecsTree.Listing again = tree.list(configured, watcher);
            if (listing.sameAs(again) && contents.values().stream().noneMatch(SpecsFileReader.Content::vanished)) {
                watcher.retain(again.dirs(), again.names());
                if (unavailable != null) {
                    LOG.infof("the specs directory %s is back, at %s", configured, listing.root());
                    unavailable = null;
                }
                revision.apply(listing, contents);
                return;
            }
            LOG.debugf("%s changed while it was read (attempt %d); reading it again", configured, attempt);
        }
        LOG.warnf("%s kept changing while it was read; applying it once it settles", configured);
        watcher.trigger();
    }

}
