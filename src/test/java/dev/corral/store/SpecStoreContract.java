package dev.corral.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.admission.WriteRules;
import dev.corral.spec.InvalidSpecException;
import dev.corral.spec.Kind;
import dev.corral.spec.LabelSelector;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.corral.store.StoreFixtures.applyApi;
import static dev.corral.store.StoreFixtures.asRead;
import static dev.corral.store.StoreFixtures.json;
import static dev.corral.store.StoreFixtures.obj;
import static dev.corral.store.StoreFixtures.relic;
import static dev.corral.store.StoreFixtures.session;
import static dev.corral.store.StoreFixtures.tool;
import static dev.corral.store.StoreFixtures.toolRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a store does with applies, status updates and deletes, seen through its public API: the
 * contract of {@link SpecStore}, run on each implementation (FileSpecStoreSemanticsTest,
 * EtcdSpecStoreSemanticsTest).
 */
abstract class SpecStoreContract {

    protected final StoreFixtures.MutableClock clock = new StoreFixtures.MutableClock();
    protected SpecStore store;
    private final List<StoreEvent> events = new CopyOnWriteArrayList<>();

    /** A new, empty store with the domain's rules, on {@link #clock}. */
    protected abstract SpecStore openEmpty();

    /** The same store's data, opened again after {@code store} was closed. */
    protected abstract SpecStore reopen();

    /** Something that changes whenever the store writes to its durable medium (a log's size, etcd's revision). */
    protected abstract long durableMark() throws Exception;

    @BeforeEach
    void open() {
        store = openEmpty();
        store.addListener(events::add);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private SpecObject stored(SpecObject o) {
        return store.get(o.key()).orElseThrow(() -> new AssertionError(o.key() + " is not stored"));
    }

    @Test
    void applyCreatesWithGenerationOneUidAndIncreasingResourceVersions() {
        assertEquals(0, store.resourceVersion());
        assertEquals(0, store.size());

        List<Change> changes = applyApi(store, tool("a", "alpine:3"), tool("b", "alpine:3"));

        assertEquals(2, changes.size());
        for (Change c : changes) {
            assertEquals(Action.created, c.action());
            assertEquals(1, c.generation());
            assertEquals("Tool", c.kind());
        }
        SpecObject a = stored(tool("a", "alpine:3"));
        SpecObject b = stored(tool("b", "alpine:3"));
        assertEquals(1L, a.metadata().generation());
        assertEquals(1L, b.metadata().generation());
        assertNotNull(a.metadata().uid());
        assertNotNull(b.metadata().uid());
        assertNotEquals(a.metadata().uid(), b.metadata().uid());
        assertTrue(a.resourceVersion() > 0);
        assertTrue(b.resourceVersion() > a.resourceVersion(), "each object gets its own, increasing resourceVersion");
        assertEquals(b.resourceVersion(), store.resourceVersion());
        assertEquals(changes.get(0).resourceVersion(), a.resourceVersion());
        assertEquals(changes.get(1).resourceVersion(), b.resourceVersion());
        assertEquals(ApplyOptions.API, a.metadata().source());
        assertEquals(clock.instant(), a.metadata().createdAt());
        assertEquals(clock.instant(), a.metadata().updatedAt());
        assertTrue(a.status().isEmpty(), "a new object has an empty status");
        assertEquals(2, store.size());

        List<Change> more = applyApi(store, tool("c", "alpine:3"));
        assertTrue(more.get(0).resourceVersion() > b.resourceVersion());
    }

    @Test
    void createWithResourceVersionOfMissingObjectConflicts() {
        SpecObject o = obj(Kind.Tool, null, "ghost", "{'image':'x'}", Map.of(), 7L);
        ConflictException e = assertThrows(ConflictException.class, () -> applyApi(store, o));
        assertEquals("metadata.resourceVersion", e.errors().get(0).path());
        assertTrue(store.get(o.key()).isEmpty());
        assertEquals(0, store.resourceVersion());

        // resourceVersion 0 means "must not exist yet" and is accepted for a create
        SpecObject zero = obj(Kind.Tool, null, "ghost", "{'image':'x'}", Map.of(), 0L);
        assertEquals(Action.created, applyApi(store, zero).get(0).action());
    }

    @Test
    void reapplyingTheSameSpecIsUnchangedAndWritesNothing() throws Exception {
        applyApi(store, tool("a", "alpine:3"));
        SpecObject before = stored(tool("a", "alpine:3"));
        long rv = store.resourceVersion();
        long mark = durableMark();
        events.clear();
        clock.advance(Duration.ofMinutes(1));

        List<Change> changes = applyApi(store, tool("a", "alpine:3"));

        assertEquals(Action.unchanged, changes.get(0).action());
        assertEquals(before.resourceVersion(), changes.get(0).resourceVersion());
        assertEquals(rv, store.resourceVersion(), "no resourceVersion bump");
        assertEquals(before, stored(before), "object untouched (not even updatedAt)");
        assertTrue(events.isEmpty(), "no event for an unchanged object: " + events);
        assertEquals(mark, durableMark(), "nothing written");

        // also unchanged when re-sent as read, carrying the current resourceVersion as a precondition
        assertEquals(Action.unchanged, applyApi(store, asRead(before, before.spec())).get(0).action());
        assertEquals(rv, store.resourceVersion());
    }

    @Test
    void changedSpecBumpsGenerationAndKeepsIdentityAndStatus() {
        applyApi(store, tool("a", "alpine:3"));
        SpecObject v1 = stored(tool("a", "alpine:3"));
        ObjectNode status = json("{'phase':'Ready'}");
        store.updateStatus(v1.key(), status);
        SpecObject withStatus = stored(v1);
        clock.advance(Duration.ofSeconds(5));

        List<Change> changes = applyApi(store, tool("a", "alpine:4"));

        assertEquals(Action.configured, changes.get(0).action());
        assertEquals(2, changes.get(0).generation());
        SpecObject v2 = stored(v1);
        assertEquals(2L, v2.metadata().generation());
        assertTrue(v2.resourceVersion() > withStatus.resourceVersion());
        assertEquals(v2.resourceVersion(), store.resourceVersion());
        assertEquals(v1.metadata().uid(), v2.metadata().uid());
        assertEquals(v1.metadata().createdAt(), v2.metadata().createdAt());
        assertEquals(clock.instant(), v2.metadata().updatedAt());
        assertEquals("alpine:4", v2.spec().get("image").asText());
        assertEquals(status, v2.status(), "apply keeps the stored status");

        applyApi(store, tool("a", "alpine:5"));
        assertEquals(3L, stored(v1).metadata().generation());
    }

    @Test
    void labelOnlyChangeBumpsResourceVersionButNotGeneration() {
        applyApi(store, relic("s1", "web", "nginx:1"));
        SpecObject v1 = stored(relic("s1", "web", "nginx:1"));

        SpecObject labelled = obj(Kind.Relic, "s1", "web", "{'image':'nginx:1'}", Map.of("tier", "front"), null);
        List<Change> changes = applyApi(store, labelled);

        assertEquals(Action.configured, changes.get(0).action());
        SpecObject v2 = stored(v1);
        assertEquals(1L, v2.metadata().generation());
        assertTrue(v2.resourceVersion() > v1.resourceVersion());
        assertEquals(Map.of("tier", "front"), v2.metadata().labels());
        assertEquals(1, store.list(new Query(null, null, LabelSelector.parse("tier=front"), null)).size());
    }

    @Test
    void updateStatusBumpsResourceVersionButNeverGeneration() {
        applyApi(store, tool("a", "alpine:3"));
        SpecObject v1 = stored(tool("a", "alpine:3"));
        events.clear();

        SpecObject s1 = store.updateStatus(v1.key(), json("{'phase':'Running','n':1}")).orElseThrow();
        assertEquals(1L, s1.metadata().generation());
        assertEquals(v1.resourceVersion() + 1, s1.resourceVersion());
        assertEquals(s1, stored(v1));
        assertEquals(v1.spec(), s1.spec());

        SpecObject s2 = store.updateStatus(v1.key(), json("{'phase':'Running','n':2}")).orElseThrow();
        assertEquals(1L, s2.metadata().generation());
        assertTrue(s2.resourceVersion() > s1.resourceVersion());
        assertEquals(2, stored(v1).status().get("n").asInt());

        // the same status again: no write
        long rv = store.resourceVersion();
        SpecObject same = store.updateStatus(v1.key(), json("{'phase':'Running','n':2}")).orElseThrow();
        assertEquals(s2.resourceVersion(), same.resourceVersion());
        assertEquals(rv, store.resourceVersion());
        assertEquals(2, events.size(), "one STATUS event per real change: " + events);
        assertTrue(events.stream().allMatch(e -> e.type() == StoreEvent.Type.STATUS));

        // a missing object
        assertTrue(store.updateStatus(ObjectKey.of(Kind.Tool, null, "nope"), json("{}")).isEmpty());
        assertEquals(rv, store.resourceVersion());
    }

    @Test
    void statusPassedToUpdateStatusIsCopied() {
        applyApi(store, tool("a", "alpine:3"));
        ObjectKey key = tool("a", "alpine:3").key();
        ObjectNode status = json("{'phase':'Running'}");
        store.updateStatus(key, status);
        status.put("phase", "Mutated");
        assertEquals("Running", store.get(key).orElseThrow().status().get("phase").asText());
    }

    @Test
    void deleteRemovesTheObject() {
        applyApi(store, tool("a", "alpine:3"), tool("b", "alpine:3"));
        SpecObject a = stored(tool("a", "alpine:3"));
        long rv = store.resourceVersion();

        List<SpecObject> deleted = store.delete(a.key(), null, ApplyOptions.API);

        assertEquals(1, deleted.size());
        assertEquals(a.key(), deleted.get(0).key());
        assertEquals(rv + 1, deleted.get(0).resourceVersion(), "a delete is a new resourceVersion");
        assertEquals(rv + 1, store.resourceVersion());
        assertTrue(store.get(a.key()).isEmpty());
        assertEquals(1, store.size());
        assertThrows(NotFoundException.class, () -> store.delete(a.key(), null, ApplyOptions.API));

        // it can be created again, as a new object
        applyApi(store, tool("a", "alpine:3"));
        SpecObject again = stored(a);
        assertEquals(1L, again.metadata().generation());
        assertNotEquals(a.metadata().uid(), again.metadata().uid());
    }

    @Test
    void staleResourceVersionConflictsAndChangesNothing() {
        applyApi(store, tool("a", "alpine:3"));
        SpecObject v1 = stored(tool("a", "alpine:3"));
        applyApi(store, tool("a", "alpine:4"));
        SpecObject v2 = stored(v1);
        long rv = store.resourceVersion();
        events.clear();

        // an update based on the old read, in a batch with a new object: all or nothing
        SpecObject stale = asRead(v1, json("{'image':'alpine:5'}"));
        ConflictException e = assertThrows(ConflictException.class,
                () -> store.apply(List.of(tool("fresh", "busybox:1"), stale), ApplyOptions.api(false)));

        assertEquals(1, e.errors().size());
        assertEquals(1, e.errors().get(0).document());
        assertEquals("metadata.resourceVersion", e.errors().get(0).path());
        assertTrue(e.clashes().isEmpty());
        assertEquals(v2, stored(v1), "the object is unchanged");
        assertTrue(store.get(tool("fresh", "busybox:1").key()).isEmpty(), "no part of the batch was applied");
        assertEquals(rv, store.resourceVersion());
        assertTrue(events.isEmpty());

        // delete with a stale precondition
        assertThrows(ConflictException.class, () -> store.delete(v1.key(), v1.resourceVersion(), ApplyOptions.API));
        assertEquals(v2, stored(v1));
        assertEquals(rv, store.resourceVersion());

        // with the current resourceVersion both work
        assertEquals(Action.configured, applyApi(store, asRead(v2, json("{'image':'alpine:5'}"))).get(0).action());
        SpecObject v3 = stored(v1);
        assertEquals(v1.key(), store.delete(v1.key(), v3.resourceVersion(), ApplyOptions.API).get(0).key());
    }

    @Test
    void dryRunReportsButStoresNothing() {
        applyApi(store, tool("a", "alpine:3"));
        SpecObject a = stored(tool("a", "alpine:3"));
        long rv = store.resourceVersion();
        events.clear();

        List<Change> changes = store.apply(List.of(tool("a", "alpine:4"), tool("b", "alpine:3")), ApplyOptions.api(true));

        assertEquals(Action.configured, changes.get(0).action());
        assertEquals(Action.created, changes.get(1).action());
        assertEquals(a, stored(a));
        assertTrue(store.get(tool("b", "x").key()).isEmpty());
        assertEquals(rv, store.resourceVersion());
        assertTrue(events.isEmpty());
    }

    @Test
    void deletingASessionCascadesToItsObjects() throws Exception {
        applyApi(store, session("s1"), session("s2"),
                relic("s1", "web", "nginx:1"), relic("s1", "db", "postgres:16"),
                toolRun("s1", "run1", "echo hi"), toolRun(null, "global", "echo hi"),
                relic("s2", "web", "nginx:1"));
        long rv = store.resourceVersion();
        events.clear();

        List<SpecObject> deleted = store.delete(ObjectKey.of(Kind.Session, null, "s1"), null, ApplyOptions.API);

        assertEquals(ObjectKey.of(Kind.Session, null, "s1"), deleted.get(0).key(), "the named object comes first");
        Set<ObjectKey> deletedKeys = new HashSet<>();
        deleted.forEach(o -> deletedKeys.add(o.key()));
        assertEquals(Set.of(ObjectKey.of(Kind.Session, null, "s1"), ObjectKey.of(Kind.Relic, "s1", "web"),
                ObjectKey.of(Kind.Relic, "s1", "db"), ObjectKey.of(Kind.ToolRun, "s1", "run1")), deletedKeys);
        Set<Long> rvs = new HashSet<>();
        deleted.forEach(o -> rvs.add(o.resourceVersion()));
        assertEquals(4, rvs.size(), "every deleted object gets its own resourceVersion");
        assertTrue(rvs.stream().allMatch(v -> v > rv));
        assertEquals(rv + 4, store.resourceVersion());
        assertEquals(4, events.size());
        assertTrue(events.stream().allMatch(e -> e.type() == StoreEvent.Type.DELETED));

        assertTrue(store.list(new Query(null, "s1", null, null)).isEmpty());
        assertTrue(store.get(ObjectKey.of(Kind.Session, null, "s1")).isEmpty());
        assertTrue(store.get(ObjectKey.of(Kind.Relic, "s2", "web")).isPresent(), "other sessions keep their objects");
        assertTrue(store.get(ObjectKey.of(Kind.Session, null, "s2")).isPresent());
        assertTrue(store.get(ObjectKey.of(Kind.ToolRun, null, "global")).isPresent());
        assertEquals(3, store.size());

        // and the cascade is durable
        store.close();
        store = reopen();
        assertEquals(3, store.size());
        assertTrue(store.list(new Query(null, "s1", null, null)).isEmpty());
        assertEquals(rv + 4, store.resourceVersion());
    }

    @Test
    void toolRunSpecIsImmutable() {
        applyApi(store, toolRun("s1", "run", "echo one"));
        SpecObject v1 = stored(toolRun("s1", "run", "echo one"));
        long rv = store.resourceVersion();

        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> store.apply(List.of(tool("other", "alpine:3"), toolRun("s1", "run", "echo two")), ApplyOptions.api(false)));
        assertEquals("spec", e.errors().get(0).path());
        assertEquals(1, e.errors().get(0).document());
        assertEquals(v1, stored(v1));
        assertTrue(store.get(tool("other", "x").key()).isEmpty(), "no part of the batch was applied");
        assertEquals(rv, store.resourceVersion());

        // the identical spec is fine, and so is a status update or a label change
        assertEquals(Action.unchanged, applyApi(store, toolRun("s1", "run", "echo one")).get(0).action());
        store.updateStatus(v1.key(), json("{'phase':'Succeeded'}"));
        SpecObject labelled = obj(Kind.ToolRun, "s1", "run", "{'language':'bash','code':'echo one'}",
                Map.of("k", "v"), null);
        assertEquals(Action.configured, applyApi(store, labelled).get(0).action());
        assertEquals(1L, stored(v1).metadata().generation());
    }

    /** A listener failure without a stack trace, to keep the store's error log short. */
    private static final class QuietFailure extends RuntimeException {
        QuietFailure() {
            super("a failing listener must not break the store or other listeners", null, false, false);
        }
    }

    @Test
    void listenersSeeAddedModifiedStatusDeletedInOrder() {
        List<StoreEvent> second = new ArrayList<>();
        store.addListener(e -> {
            throw new QuietFailure();
        });
        store.addListener(second::add);

        applyApi(store, tool("a", "alpine:3"));
        SpecObject created = stored(tool("a", "alpine:3"));
        applyApi(store, tool("a", "alpine:4"));
        SpecObject modified = stored(created);
        store.updateStatus(created.key(), json("{'phase':'Ready'}"));
        SpecObject withStatus = stored(created);
        store.delete(created.key(), null, ApplyOptions.API);

        assertEquals(List.of(StoreEvent.Type.ADDED, StoreEvent.Type.MODIFIED, StoreEvent.Type.STATUS,
                StoreEvent.Type.DELETED), events.stream().map(StoreEvent::type).toList());
        assertEquals(events, second);

        assertEquals(created, events.get(0).object());
        assertNull(events.get(0).previous());
        assertEquals(modified, events.get(1).object());
        assertEquals(created, events.get(1).previous());
        assertEquals(withStatus, events.get(2).object());
        assertEquals(modified, events.get(2).previous());
        assertEquals(withStatus, events.get(3).previous());
        assertEquals(store.resourceVersion(), events.get(3).object().resourceVersion());
        for (int i = 1; i < events.size(); i++) {
            assertTrue(events.get(i).object().resourceVersion() > events.get(i - 1).object().resourceVersion(),
                    "events come in resourceVersion order");
        }
        assertEquals(created.key(), events.get(3).key());
    }

    @Test
    void objectsOwnedByAFileClashWithTheApi() {
        String file = "file:specs/tools.yaml";
        store.apply(List.of(tool("a", "alpine:3"), tool("b", "alpine:3")), ApplyOptions.file(file));
        SpecObject a = stored(tool("a", "alpine:3"));
        assertEquals(file, a.metadata().source());
        long rv = store.resourceVersion();

        ConflictException e = assertThrows(ConflictException.class, () -> applyApi(store, tool("a", "alpine:4")));
        assertEquals(List.of(new ConflictException.Clash(a.key(), file, ApplyOptions.API)), e.clashes());
        assertEquals("metadata.name", e.errors().get(0).path());
        assertEquals(a, stored(a));
        assertEquals(rv, store.resourceVersion());

        // the API may not delete a file's object either
        assertThrows(ConflictException.class, () -> store.delete(a.key(), null, ApplyOptions.API));
        assertEquals(a, stored(a));

        // nor may another file claim it
        ConflictException other = assertThrows(ConflictException.class,
                () -> store.apply(List.of(tool("a", "alpine:3")), ApplyOptions.file("file:other.yaml")));
        assertEquals("file:other.yaml", other.clashes().get(0).claimant());
        assertEquals(rv, store.resourceVersion());
    }

    @Test
    void objectsOwnedByTheApiClashWithAFile() {
        applyApi(store, tool("a", "alpine:3"));
        SpecObject a = stored(tool("a", "alpine:3"));
        String file = "file:tools.yaml";

        ConflictException e = assertThrows(ConflictException.class,
                () -> store.apply(List.of(tool("a", "alpine:4"), tool("mine", "alpine:3")), ApplyOptions.file(file)));

        assertEquals(List.of(new ConflictException.Clash(a.key(), ApplyOptions.API, file)), e.clashes());
        assertEquals(a, stored(a));
        assertTrue(store.get(tool("mine", "x").key()).isEmpty(), "nothing of the file was applied");
    }

    @Test
    void fileApplyPrunesOnlyItsOwnUndeclaredObjects() {
        String file = "file:a.yaml";
        store.apply(List.of(tool("a", "alpine:3"), tool("b", "alpine:3")), ApplyOptions.file(file));
        store.apply(List.of(tool("c", "alpine:3")), ApplyOptions.file("file:c.yaml"));
        applyApi(store, tool("api", "alpine:3"));
        events.clear();

        List<Change> changes = store.apply(List.of(tool("a", "alpine:3")), ApplyOptions.file(file));

        assertEquals(List.of(Action.unchanged, Action.pruned), changes.stream().map(Change::action).toList());
        assertEquals("b", changes.get(1).name());
        assertTrue(store.get(tool("b", "x").key()).isEmpty());
        assertTrue(store.get(tool("a", "x").key()).isPresent());
        assertTrue(store.get(tool("c", "x").key()).isPresent(), "another file's object is not pruned");
        assertTrue(store.get(tool("api", "x").key()).isPresent(), "an API object is not pruned");
        assertEquals(1, events.size());
        assertSame(StoreEvent.Type.DELETED, events.get(0).type());
        assertEquals(store.resourceVersion(), events.get(0).object().resourceVersion());
    }

    @Test
    void listFiltersAndOrdersByKey() {
        applyApi(store, tool("b", "x:1"), tool("a", "x:1"), session("s1"), relic("s1", "web", "nginx:1"));
        List<SpecObject> tools = store.list(Query.ofKind(Kind.Tool));
        assertEquals(List.of("a", "b"), tools.stream().map(o -> o.metadata().name()).toList());
        assertEquals(4, store.list(Query.ALL).size());
        assertEquals(4, store.list(Query.ofSource(ApplyOptions.API)).size());
        assertTrue(store.list(Query.ofSource("file:x")).isEmpty());
        assertFalse(store.list(new Query(Kind.Relic, "s1", null, null)).isEmpty());
    }
}
