package dev.corral.loop;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.corral.ownership.Ownership;
import dev.corral.runtime.NetworkRequest;
import dev.corral.runtime.OwnContainer;
import dev.corral.runtime.RuntimeEvent;
import dev.corral.spec.Kind;
import dev.corral.spec.Metadata;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.store.SpecStore;
import dev.corral.store.StoreEvent;
import dev.corral.testing.FakeRuntime;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The loop built with {@code new} over a fake engine, driven one step at a time: no CDI, no threads. */
class LoopCoreTest {

    private static final ObjectKey WEB = ObjectKey.of(Kind.Relic, "s1", "web");
    private static final ObjectKey S1 = ObjectKey.of(Kind.Session, null, "s1");
    private static final ObjectKey S9 = ObjectKey.of(Kind.Session, null, "s9");

    private final FakeRuntime engine = new FakeRuntime();
    private final Map<ObjectKey, SpecObject> stored = new LinkedHashMap<>();
    private final SpecStore store = (SpecStore) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[]{SpecStore.class}, (p, m, args) -> switch (m.getName()) {
                case "get" -> Optional.ofNullable(stored.get((ObjectKey) args[0]));
                case "list" -> List.copyOf(stored.values());
                default -> throw new UnsupportedOperationException(m.getName());
            });
    private final WorkQueue<ObjectKey> queue = new WorkQueue<>(Duration.ofMillis(10), Duration.ofSeconds(1));
    private final ObservedState observed = new ObservedState();
    private final List<ObjectKey> reconciled = new ArrayList<>();
    private Result outcome = Result.DONE;

    private final KindReconciler all = new KindReconciler() {
        @Override
        public Set<Kind> kinds() {
            return Set.of(Kind.values());
        }

        @Override
        public Result reconcile(ObjectKey key, SpecObject current) {
            reconciled.add(key);
            return outcome;
        }

        @Override
        public Readiness.Outcome readiness(SpecObject o) {
            return Readiness.Outcome.Ready;
        }
    };

    private final LoopCore loop = new LoopCore(store, engine, queue, observed, new OwnContainer(engine),
            new ReconcileMetrics(new SimpleMeterRegistry(), queue::depth), new Reconcilers(store, List.of(all)));

    private void store(ObjectKey key) {
        Metadata m = Metadata.declared(key.name(), key.session(), Map.of(), Map.of(), null)
                .withStored("uid", 1, 1, Instant.EPOCH, Instant.EPOCH, "api");
        stored.put(key, new SpecObject(SpecObject.API_VERSION, key.kind(), m, JsonNodeFactory.instance.objectNode(), null));
    }

    private List<ObjectKey> drain() throws InterruptedException {
        List<ObjectKey> keys = new ArrayList<>();
        while (queue.depth() > 0) {
            ObjectKey k = queue.take();
            keys.add(k);
            queue.done(k);
        }
        return keys;
    }

    @Test
    void nothingIsReconciledBeforeAFirstResyncListedTheEngine() {
        loop.process(WEB);
        assertEquals(List.of(), reconciled);
        assertEquals("not checked yet", loop.engineProblem());
    }

    @Test
    void aResyncListsOnceEachAndEnqueuesDeclaredObjectsAndOwnersSessionsFirst() throws InterruptedException {
        store(WEB);
        store(S1);
        engine.createNetwork(new NetworkRequest("corral-session-s9", true, null, Ownership.network("s9", null, null)));
        engine.clearActions();

        loop.resync();

        assertEquals(List.of("list-containers", "list-networks", "list-volumes"),
                engine.actions().stream().map(FakeRuntime.Action::verb).toList());
        assertTrue(observed.loaded());
        assertNull(loop.engineProblem());
        assertEquals(List.of(S1, S9, WEB), drain());
    }

    @Test
    void aResyncLooksFirstAtWhatAContainerEndedFor() throws InterruptedException {
        ObjectKey db = ObjectKey.of(Kind.Relic, "s1", "db");
        store(WEB);
        store(S1);
        store(db);
        // Its death unseen (before the event stream opened): the list shows it exited.
        String id = engine.seed(new dev.corral.runtime.ContainerRequest("corral-relic-s1-db", "img", null, null, Map.of(),
                Ownership.of(Kind.Relic, "s1", "db", "uid"), 0, 0, 0, null, List.of(), List.of()), true);
        engine.exit(id, 137);

        loop.resync();

        assertEquals(List.of(db, S1, WEB), drain());
    }

    @Test
    void anEngineThatDoesNotAnswerIsTheProblemAndNothingIsEnqueued() {
        store(WEB);
        engine.down = new IllegalStateException("engine gone");
        loop.resync();
        assertEquals("engine gone", loop.engineProblem());
        assertFalse(observed.loaded());
        assertEquals(0, queue.depth());
    }

    @Test
    void storeChangesEnqueueButStatusWritesDoNot() {
        store(WEB);
        SpecObject web = stored.get(WEB);
        loop.onStoreEvent(new StoreEvent(StoreEvent.Type.STATUS, web, web));
        assertEquals(0, queue.depth());
        loop.onStoreEvent(new StoreEvent(StoreEvent.Type.MODIFIED, web, web));
        assertEquals(1, queue.depth());
    }

    @Test
    void engineEventsEnqueueWhatTheyConcern() throws InterruptedException {
        loop.resync();
        loop.onEngineEvent(new RuntimeEvent("network", "destroy", "n1", Map.of("name", "corral-session-s1")));
        assertEquals(List.of(S1), drain());
    }

    @Test
    void outcomesDecideWhatTheQueueDoesNext() {
        loop.resync();
        store(WEB);
        outcome = Result.error("try again");
        loop.process(WEB);
        assertEquals(1, queue.failures(WEB), "retried with the key's backoff");
        outcome = Result.DONE;
        loop.process(WEB);
        assertEquals(0, queue.failures(WEB), "done forgets the failures");
        assertEquals(List.of(WEB, WEB), reconciled);
    }

    @Test
    void theSweepRemovesOnlyAnonymousVolumesThatNoContainerMounts() {
        Map<String, String> labels = Ownership.of(Kind.ToolRun, null, "r1", "uid-r1");
        String lost = "a".repeat(64);
        String mounted = "b".repeat(64);
        engine.createVolume(lost, labels);
        engine.createVolume(mounted, labels);
        engine.createVolume("corral-vol-s1-cache", Ownership.of(Kind.Session, null, "s1", "uid-s1"));
        engine.volumesInUse.add(mounted);
        loop.resync();

        assertEquals(1, loop.sweepLostVolumes());
        Set<String> left = new java.util.HashSet<>();
        engine.listVolumes().forEach(v -> left.add(v.name()));
        assertEquals(Set.of(mounted, "corral-vol-s1-cache"), left, "a named volume may be unused for a while; a mounted one is in use");
        assertFalse(observed.volumeNames().contains(lost), "gone from the picture too");
        assertTrue(observed.volumeNames().contains(mounted));
        assertEquals(0, loop.sweepLostVolumes(), "nothing left to sweep");
    }
}
