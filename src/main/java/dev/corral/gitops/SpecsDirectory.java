package dev.corral.gitops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.config.CorralConfig;
import dev.corral.spec.InvalidSpecException;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.spec.SpecParser;
import dev.corral.spec.SpecValidator;
import dev.corral.spec.schema.FieldError;
import dev.corral.store.Action;
import dev.corral.store.ApplyOptions;
import dev.corral.store.Change;
import dev.corral.store.ConflictException;
import dev.corral.store.Query;
import dev.corral.store.SpecStore;
import dev.corral.store.StoreException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

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
    static final String PREFIX = "file:";
    /** Listings that differ before and after reading, in a row, before a sync gives up and waits for the next event. */
    private static final int READ_ATTEMPTS = 5;

    @Inject
    CorralConfig config;

    @Inject
    SpecStore store;

    @Inject
    SpecValidator validator;

    @Inject
    dev.corral.admission.Policy policy;

    @Inject
    SourceRegistry registry;

    @Inject
    MeterRegistry meters;

    private final Clock clock = Clock.systemUTC();
    private volatile boolean initialSyncDone;
    private ScheduledExecutorService executor;
    private DirectoryWatcher watcher;
    private SpecsTree tree;
    private String unavailable;

    void start(@Observes StartupEvent ev) {
        if (config.specsDir().isEmpty()) {
            initialSyncDone = true;
            return;
        }
        Path dir = config.specsDir().get().toAbsolutePath().normalize();
        meters.gauge("corral_specs_dir_failing_files", registry,
                r -> r.files().values().stream().filter(f -> !f.errors().isEmpty()).count());
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
        if (watcher != null) {
            watcher.close();
        }
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    /** True once the directory (if any) has been applied at least once. */
    public boolean initialSyncDone() {
        return initialSyncDone;
    }

    /** Schedules a sync now (on the directory's thread) and waits for it; used by tests and the API. */
    public void syncNow() throws Exception {
        if (executor != null) {
            executor.submit(this::sync).get();
        }
    }

    /** What one sync read: a file's bytes, or why not; {@code vanished}: it went away between listing and reading. */
    private record Content(byte[] bytes, String error, boolean vanished) {
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
            Map<String, Content> contents = read(listing);
            SpecsTree.Listing again = tree.list(configured, watcher);
            if (listing.sameAs(again) && contents.values().stream().noneMatch(Content::vanished)) {
                watcher.retain(again.dirs(), again.names());
                if (unavailable != null) {
                    LOG.infof("the specs directory %s is back, at %s", configured, listing.root());
                    unavailable = null;
                }
                apply(listing, contents);
                return;
            }
            LOG.debugf("%s changed while it was read (attempt %d); reading it again", configured, attempt);
        }
        LOG.warnf("%s kept changing while it was read; applying it once it settles", configured);
        watcher.trigger();
    }

    private Map<String, Content> read(SpecsTree.Listing listing) {
        Map<String, Content> contents = new TreeMap<>();
        long max = config.api().maxBodyBytes();
        for (Map.Entry<String, SpecsTree.Entry> e : listing.entries().entrySet()) {
            Path file = e.getValue().file();
            if (file == null) {
                continue;
            }
            try {
                long size = Files.size(file);
                if (size > max) {
                    contents.put(e.getKey(), new Content(null, "the file is larger than corral.api.max-body-bytes ("
                            + max + " bytes)", false));
                    continue;
                }
                contents.put(e.getKey(), new Content(Files.readAllBytes(file), null, false));
            } catch (NoSuchFileException ex) {
                contents.put(e.getKey(), new Content(null, "the file is gone", true));
            } catch (IOException ex) {
                contents.put(e.getKey(), new Content(null, "cannot read the file: " + ex.getMessage(), false));
            }
        }
        return contents;
    }

    /** Applies one consistent reading of the directory: changed files first (taking over moved objects), then prunes. */
    private void apply(SpecsTree.Listing listing, Map<String, Content> contents) {
        Instant now = clock.instant();
        Map<String, List<SpecObject>> ready = new TreeMap<>();
        Map<String, String> hashes = new HashMap<>();
        Set<String> present = new HashSet<>();
        for (Map.Entry<String, SpecsTree.Entry> e : listing.entries().entrySet()) {
            String source = PREFIX + e.getKey();
            present.add(source);
            if (e.getValue().error() != null) {
                refuse(source, e.getValue().error(), now);
                continue;
            }
            Content c = contents.get(e.getKey());
            if (c.error() != null) {
                fail(source, null, now, List.of(new FieldError(null, "", c.error())), false);
                continue;
            }
            String hash = sha256(c.bytes());
            SourceRegistry.FileState last = registry.file(source);
            // Unchanged content: nothing to do, unless the last try lost a conflict another source may have given up since.
            if (last != null && hash.equals(last.hash()) && !last.conflicted()) {
                continue;
            }
            try {
                List<JsonNode> docs = SpecParser.parseAll(c.bytes(), formatOf(e.getKey()));
                List<SpecObject> objects = validator.validateAll(docs);
                policy.admit(objects); // PolicyException is an InvalidSpecException: the file's errors in /sources
                ready.put(source, objects);
                hashes.put(source, hash);
            } catch (InvalidSpecException ex) {
                fail(source, hash, now, ex.errors(), false);
            }
        }

        Map<ObjectKey, String> owners = new HashMap<>();
        Set<String> gone = new TreeSet<>(registry.files().keySet());
        for (SpecObject o : store.list(Query.ALL)) {
            String source = o.metadata().source();
            owners.put(o.key(), source);
            if (source != null && source.startsWith(PREFIX)) {
                gone.add(source);
            }
        }
        gone.removeAll(present);
        // Under a directory that could not be listed: unknown, not gone.
        gone.removeIf(s -> listing.blocked().stream().anyMatch(b -> s.startsWith(PREFIX + b)));
        Map<String, Set<ObjectKey>> declared = new HashMap<>();
        ready.forEach((source, objects) -> declared.put(source,
                objects.stream().map(SpecObject::key).collect(Collectors.toSet())));

        // Step 1: every changed file, all or nothing each, taking over what moved to it; nothing pruned yet.
        List<String> applied = new ArrayList<>();
        for (Map.Entry<String, List<SpecObject>> r : ready.entrySet()) {
            String source = r.getKey();
            Map<ObjectKey, String> moved = new TreeMap<>();
            for (SpecObject o : r.getValue()) {
                String owner = owners.get(o.key());
                if (owner != null && !owner.equals(source) && owner.startsWith(PREFIX)
                        && (gone.contains(owner) || (declared.containsKey(owner) && !declared.get(owner).contains(o.key())))) {
                    moved.put(o.key(), owner);
                }
            }
            try {
                List<Change> changes = store.apply(r.getValue(), ApplyOptions.fileAdopting(source, moved.keySet()));
                moved.keySet().forEach(k -> owners.put(k, source));
                registry.applied(source, hashes.get(source), now);
                applied.add(source);
                meters.counter("corral_specs_dir_applies_total", "result", "applied").increment();
                String summary = describe(changes.stream().filter(c -> c.action() != Action.unchanged).toList());
                if (!summary.isEmpty()) {
                    LOG.infof("applied %s: %s", source, summary);
                }
                moved.forEach((k, from) -> LOG.infof("%s moved from %s to %s (same object)", k.describe(), from, source));
            } catch (InvalidSpecException e) {
                fail(source, hashes.get(source), now, e.errors(), false);
            } catch (ConflictException e) {
                registry.clashes(e.clashes());
                fail(source, hashes.get(source), now, e.errors(), true);
            } catch (StoreException e) {
                fail(source, hashes.get(source), now,
                        List.of(new FieldError(null, "", "the store failed: " + e.getMessage())), false);
            }
        }

        // Step 2: what applied files no longer declare, and every object of files that are gone.
        Map<String, Set<ObjectKey>> owned = new HashMap<>();
        if (!applied.isEmpty()) {
            for (SpecObject o : store.list(Query.ALL)) {
                owned.computeIfAbsent(String.valueOf(o.metadata().source()), k -> new HashSet<>()).add(o.key());
            }
        }
        for (String source : applied) {
            if (declared.get(source).containsAll(owned.getOrDefault(source, Set.of()))) {
                continue;
            }
            try {
                List<Change> changes = store.apply(ready.get(source), ApplyOptions.file(source));
                String pruned = describe(changes.stream().filter(c -> c.action() == Action.pruned).toList());
                if (!pruned.isEmpty()) {
                    LOG.infof("applied %s: %s", source, pruned);
                }
            } catch (StoreException e) {
                LOG.errorf("%s was applied, but pruning what it no longer declares failed: %s", source, e.getMessage());
            }
        }
        for (String source : gone) {
            try {
                List<Change> pruned = store.apply(List.of(), ApplyOptions.file(source));
                if (!pruned.isEmpty()) {
                    LOG.infof("%s is gone: pruned %s", source, describe(pruned));
                }
                registry.removed(source);
            } catch (StoreException e) {
                LOG.errorf("%s is gone, but pruning its objects failed: %s", source, e.getMessage());
            }
        }
    }

    /** A source that is not read (a refused or looping link): kept as it was, reported on the source and as a WARN. */
    private void refuse(String source, String message, Instant now) {
        List<FieldError> errors = List.of(new FieldError(null, "", message));
        SourceRegistry.FileState last = registry.file(source);
        boolean repeat = last != null && last.hash() == null && last.errors().equals(errors);
        registry.failed(source, null, now, errors, false);
        if (!repeat) {
            meters.counter("corral_specs_dir_applies_total", "result", "failed").increment();
            LOG.warnf("%s is not read: %s", source, message);
        }
    }

    private void fail(String source, String hash, Instant now, List<FieldError> errors, boolean conflicted) {
        SourceRegistry.FileState last = registry.file(source);
        boolean repeat = last != null && java.util.Objects.equals(hash, last.hash()) && last.errors().equals(errors);
        registry.failed(source, hash, now, errors, conflicted);
        if (!repeat) {
            meters.counter("corral_specs_dir_applies_total", "result", "failed").increment();
            LOG.errorf("%s was not applied (nothing in it changed): %s", source,
                    errors.stream().map(FieldError::toString).collect(Collectors.joining("; ")));
        }
    }

    private static SpecParser.Format formatOf(String name) {
        return name.toLowerCase(Locale.ROOT).endsWith(".json")
                ? SpecParser.Format.JSON : SpecParser.Format.YAML;
    }

    private static String describe(List<Change> changes) {
        return changes.stream().map(c -> c.kind() + " " + (c.session() == null ? "" : c.session() + "/") + c.name()
                + " " + c.action()).collect(Collectors.joining(", "));
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
