package dev.corral.gitops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.admission.Policy;
import dev.corral.events.EventRecorder;
import dev.corral.spec.InvalidSpecException;
import dev.corral.spec.Kind;
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
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

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
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Applies one consistent reading of the specs directory to the store: each changed file parsed,
 * validated and admitted, then applied all or nothing taking over the objects that moved to it;
 * then what applied files no longer declare, and every object of files that are gone, pruned
 * (see {@link SpecsDirectory} for why in that order). Outcomes go to the {@link SourceRegistry}; each
 * pruned object gets a {@code Pruned} event saying which file let it go.
 */
@ApplicationScoped
class RevisionApply {

    private static final Logger LOG = Logger.getLogger(RevisionApply.class);
    private static final String PREFIX = ApplyOptions.FILE_PREFIX;

    @Inject
    SpecStore store;

    @Inject
    SpecValidator validator;

    @Inject
    Policy policy;

    @Inject
    SourceRegistry registry;

    @Inject
    MeterRegistry meters;

    @Inject
    EventRecorder events;

    private final Clock clock = Clock.systemUTC();

    /** Applies one consistent reading of the directory: changed files first (taking over moved objects), then prunes. */
    void apply(SpecsTree.Listing listing, Map<String, SpecsFileReader.Content> contents) {
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
            SpecsFileReader.Content c = contents.get(e.getKey());
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
        Map<ObjectKey, String> uids = new HashMap<>();
        Set<String> gone = new TreeSet<>(registry.files().keySet());
        for (SpecObject o : store.list(Query.ALL)) {
            String source = o.metadata().source();
            owners.put(o.key(), source);
            uids.put(o.key(), o.metadata().uid());
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
                applies("applied");
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
                List<Change> prunedChanges = changes.stream().filter(c -> c.action() == Action.pruned).toList();
                pruned(prunedChanges, uids, source + " no longer declares it");
                String pruned = describe(prunedChanges);
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
                pruned(pruned, uids, source + " is gone");
                if (!pruned.isEmpty()) {
                    LOG.infof("%s is gone: pruned %s", source, describe(pruned));
                }
                registry.removed(source);
            } catch (StoreException e) {
                LOG.errorf("%s is gone, but pruning its objects failed: %s", source, e.getMessage());
            }
        }
    }

    private void pruned(List<Change> changes, Map<ObjectKey, String> uids, String why) {
        for (Change c : changes) {
            if (c.action() != Action.pruned) {
                continue;
            }
            Kind.ofSpecName(c.kind()).ifPresent(kind -> {
                ObjectKey key = ObjectKey.of(kind, c.session(), c.name());
                events.normal(key, uids.get(key), "Pruned", "pruned: " + why);
            });
        }
    }

    /** A source that is not read (a refused or looping link): kept as it was, reported on the source and as a WARN. */
    private void refuse(String source, String message, Instant now) {
        List<FieldError> errors = List.of(new FieldError(null, "", message));
        SourceRegistry.FileState last = registry.file(source);
        boolean repeat = last != null && last.hash() == null && last.errors().equals(errors);
        registry.failed(source, null, now, errors, false);
        if (!repeat) {
            applies("failed");
            LOG.warnf("%s is not read: %s", source, message);
        }
    }

    private void fail(String source, String hash, Instant now, List<FieldError> errors, boolean conflicted) {
        SourceRegistry.FileState last = registry.file(source);
        boolean repeat = last != null && Objects.equals(hash, last.hash()) && last.errors().equals(errors);
        registry.failed(source, hash, now, errors, conflicted);
        if (!repeat) {
            applies("failed");
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

    private void applies(String result) {
        Counter.builder("corral_specs_dir_applies_total")
                .description("Files of the specs directory applied, or refused, by result").tag("result", result)
                .register(meters).increment();
    }
}
