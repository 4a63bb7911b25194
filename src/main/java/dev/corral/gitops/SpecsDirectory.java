package dev.corral.gitops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.config.CorralConfig;
import dev.corral.spec.FieldError;
import dev.corral.spec.InvalidSpecException;
import dev.corral.spec.SpecObject;
import dev.corral.spec.SpecParser;
import dev.corral.spec.SpecValidator;
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
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
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
import java.util.stream.Stream;

/**
 * GitOps: keeps the store in step with the files of {@code corral.specs-dir}. Each file is its
 * own source ({@code file:<relative path>}) and is applied all or nothing; objects a file no
 * longer declares, and every object of a file that is gone, are pruned; a file that fails to
 * parse, validate or apply changes nothing. Syncs run on one thread, at start-up, after a burst
 * of file-system events has settled, and on a periodic rescan.
 */
@ApplicationScoped
public class SpecsDirectory {

    private static final Logger LOG = Logger.getLogger(SpecsDirectory.class);
    static final String PREFIX = "file:";

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
        try {
            // Applied once before Corral reports ready, so readiness means "the directory is in the store".
            executor.submit(this::sync).get();
        } catch (Exception e) {
            LOG.errorf(e, "first apply of %s failed", dir);
        }
        initialSyncDone = true;
        watcher = new DirectoryWatcher(dir, config.specs().debounce(), executor, this::sync);
        watcher.start();
        long rescan = config.specs().rescanInterval().toMillis();
        executor.scheduleWithFixedDelay(this::sync, rescan, rescan, TimeUnit.MILLISECONDS);
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

    /** One pass over the directory. Never throws: every problem is recorded on its file. */
    synchronized void sync() {
        Path dir = config.specsDir().orElseThrow().toAbsolutePath().normalize();
        Map<String, Path> files = scan(dir);
        for (Map.Entry<String, Path> f : files.entrySet()) {
            syncFile(PREFIX + f.getKey(), f.getValue());
        }
        Set<String> gone = new TreeSet<>(registry.files().keySet());
        store.list(Query.ALL).stream().map(o -> o.metadata().source())
                .filter(s -> s != null && s.startsWith(PREFIX)).forEach(gone::add);
        files.keySet().forEach(k -> gone.remove(PREFIX + k));
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

    private void syncFile(String source, Path file) {
        Instant now = clock.instant();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            fail(source, null, now, List.of(new FieldError(null, "", "cannot read the file: " + e.getMessage())), false);
            return;
        }
        String hash = sha256(bytes);
        SourceRegistry.FileState last = registry.file(source);
        // Unchanged content: nothing to do, unless the last try lost a conflict another source may have given up since.
        if (last != null && hash.equals(last.hash()) && !last.conflicted()) {
            return;
        }
        if (bytes.length > config.api().maxBodyBytes()) {
            fail(source, hash, now, List.of(new FieldError(null, "", "the file is larger than corral.api.max-body-bytes ("
                    + config.api().maxBodyBytes() + " bytes)")), false);
            return;
        }
        try {
            List<JsonNode> docs = SpecParser.parseAll(bytes, formatOf(file));
            List<SpecObject> objects = validator.validateAll(docs);
            policy.admit(objects);
            List<Change> changes = store.apply(objects, ApplyOptions.file(source));
            registry.applied(source, hash, now);
            meters.counter("corral_specs_dir_applies_total", "result", "applied").increment();
            String summary = describe(changes.stream().filter(c -> c.action() != dev.corral.store.Action.unchanged).toList());
            if (!summary.isEmpty()) {
                LOG.infof("applied %s: %s", source, summary);
            }
        } catch (InvalidSpecException e) {
            fail(source, hash, now, e.errors(), false);
        } catch (ConflictException e) {
            registry.clashes(e.clashes());
            fail(source, hash, now, e.errors(), true);
        } catch (StoreException e) {
            fail(source, hash, now, List.of(new FieldError(null, "", "the store failed: " + e.getMessage())), false);
        }
    }

    private void fail(String source, String hash, Instant now, List<FieldError> errors, boolean conflicted) {
        SourceRegistry.FileState last = registry.file(source);
        boolean repeat = last != null && hash != null && hash.equals(last.hash()) && last.errors().equals(errors);
        registry.failed(source, hash, now, errors, conflicted);
        if (!repeat) {
            meters.counter("corral_specs_dir_applies_total", "result", "failed").increment();
            LOG.errorf("%s was not applied (nothing in it changed): %s", source,
                    errors.stream().map(FieldError::toString).collect(Collectors.joining("; ")));
        }
    }

    private static Map<String, Path> scan(Path dir) {
        Map<String, Path> files = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            LOG.warnf("the specs directory %s does not exist; treating it as empty", dir);
            return files;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(Files::isRegularFile)
                    .filter(p -> isSpecFile(dir.relativize(p)))
                    .forEach(p -> files.put(dir.relativize(p).toString().replace('\\', '/'), p));
        } catch (IOException | java.io.UncheckedIOException e) {
            LOG.errorf("cannot list %s: %s", dir, e.getMessage());
        }
        return files;
    }

    /** {@code *.yaml}, {@code *.yml} and {@code *.json}, outside hidden files and folders (such as {@code .git}). */
    static boolean isSpecFile(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return false;
            }
        }
        String name = relative.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
    }

    private static SpecParser.Format formatOf(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")
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
