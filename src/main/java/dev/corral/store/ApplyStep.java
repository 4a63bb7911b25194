package dev.corral.store;

import dev.corral.spec.InvalidSpecException;
import dev.corral.spec.Json;
import dev.corral.spec.JsonLimits;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.spec.schema.FieldError;
import dev.corral.spec.schema.Schema;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Works out one apply under the write lock, all or nothing: each object created, configured or
 * unchanged, and with {@code prune} the source's undeclared objects (and what the hook cascades to)
 * deleted; or, if any object is refused, every refusal at once and nothing written.
 */
final class ApplyStep {

    private final StoreReader objects;
    private final WriteHook hook;
    private final ApplyOptions options;
    private final Step step;
    private final List<Change> changes = new ArrayList<>();
    private final List<FieldError> invalid = new ArrayList<>();
    private final List<FieldError> conflicts = new ArrayList<>();
    private final List<ConflictException.Clash> clashes = new ArrayList<>();
    private final Set<ObjectKey> declared = new HashSet<>();

    private ApplyStep(StoreReader objects, WriteHook hook, ApplyOptions options, Step step) {
        this.objects = objects;
        this.hook = hook;
        this.options = options;
        this.step = step;
    }

    /** @throws InvalidSpecException or {@link ConflictException} listing every refusal in the batch */
    static ApplyStep plan(List<SpecObject> batch, ApplyOptions options, StoreReader objects, WriteHook hook, Step step) {
        ApplyStep apply = new ApplyStep(objects, hook, options, step);
        for (int i = 0; i < batch.size(); i++) {
            apply.declare(i, batch.get(i));
        }
        if (!apply.invalid.isEmpty()) {
            throw new InvalidSpecException(apply.invalid);
        }
        if (!apply.conflicts.isEmpty()) {
            throw new ConflictException(apply.conflicts, apply.clashes);
        }
        if (options.prune()) {
            apply.prune();
        }
        return apply;
    }

    Step step() {
        return step;
    }

    List<Change> changes() {
        return changes;
    }

    private void declare(int doc, SpecObject o) {
        // The validator has checked this already; the store checks again because it must never
        // acknowledge what its own reader would refuse at the next start.
        List<FieldError> unreadable = new ArrayList<>(JsonLimits.check(o.spec(), "spec"));
        Schema.refuseNonFinite(o.spec(), "spec", unreadable);
        unreadable.forEach(e -> invalid.add(e.withDocument(doc)));
        declared.add(o.key());
        SpecObject cur = objects.get(o.key()).orElse(null);
        Long want = o.metadata().resourceVersion();
        if (cur == null) {
            if (want != null && want != 0) {
                conflicts.add(new FieldError(doc, "metadata.resourceVersion", o.key().describe()
                        + " does not exist (it was deleted, or never created); leave resourceVersion out to create it"));
                return;
            }
            SpecObject created = step.write(new SpecObject(o.apiVersion(), o.kind(), o.metadata().withStored(
                    UUID.randomUUID().toString(), 1, step.nextVersion(), step.now(), step.now(), options.source()),
                    o.spec(), Json.MAPPER.createObjectNode()), null);
            changes.add(Change.of(created, Action.created));
            return;
        }
        if (options.createOnly()) {
            conflicts.add(new FieldError(doc, "metadata.name", cur.key().describe() + " exists already"));
            return;
        }
        if (refused(doc, hook.checkWriter(cur, options))) {
            return;
        }
        FieldError stale = Preconditions.stale(want, cur);
        if (stale != null) {
            conflicts.add(stale.withDocument(doc));
            return;
        }
        configure(doc, cur, o);
    }

    private void configure(int doc, SpecObject cur, SpecObject o) {
        var m = cur.metadata();
        boolean specChanged = !Json.sameValue(cur.spec(), o.spec());
        // The writer becomes the source: the hook decides who may write (and so take an object over).
        SpecObject proposed = new SpecObject(o.apiVersion(), o.kind(), o.metadata().withStored(m.uid(),
                m.generation() + (specChanged ? 1 : 0), 0, m.createdAt(), step.now(), options.source()),
                o.spec(), cur.status());
        if (refused(doc, hook.checkChange(cur, proposed))) {
            return;
        }
        boolean metaChanged = !m.labels().equals(o.metadata().labels())
                || !m.annotations().equals(o.metadata().annotations())
                || !options.source().equals(m.source());
        if (!specChanged && !metaChanged) {
            changes.add(Change.of(cur, Action.unchanged));
            return;
        }
        SpecObject updated = step.write(proposed.withMetadata(
                proposed.metadata().withResourceVersion(step.nextVersion(), step.now())), cur);
        changes.add(Change.of(updated, Action.configured));
    }

    private boolean refused(int doc, Optional<Refusal> refusal) {
        refusal.ifPresent(r -> {
            (r.conflict() ? conflicts : invalid).add(r.error().withDocument(doc));
            if (r.clash() != null) {
                clashes.add(r.clash());
            }
        });
        return refusal.isPresent();
    }

    private void prune() {
        Map<ObjectKey, SpecObject> pruned = new LinkedHashMap<>();
        for (SpecObject o : objects.list(Query.ofSource(options.source()))) {
            if (!declared.contains(o.key())) {
                pruned.put(o.key(), o);
            }
        }
        for (SpecObject o : hook.cascade(List.copyOf(pruned.values()), objects)) {
            if (!declared.contains(o.key())) {
                pruned.putIfAbsent(o.key(), o);
            }
        }
        for (SpecObject o : pruned.values()) {
            changes.add(Change.of(step.delete(o), Action.pruned));
        }
    }
}
