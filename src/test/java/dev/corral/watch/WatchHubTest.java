package dev.corral.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.spec.Json;
import dev.corral.spec.Kind;
import dev.corral.spec.LabelSelector;
import dev.corral.spec.Metadata;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.store.ApplyOptions;
import dev.corral.store.FileSpecStore;
import dev.corral.store.Query;
import dev.corral.store.SpecStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The history and replay of watches, on a real store: in order, gap-free, no repeats, 410, bounded. */
class WatchHubTest {

    @TempDir
    Path dir;

    private FileSpecStore store;

    @BeforeEach
    void open() {
        store = FileSpecStore.open(dir, Clock.systemUTC(), Long.MAX_VALUE / 4);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void fromAVersionReplaysEveryLaterChangeInOrderThenContinuesLive() {
        WatchHub hub = WatchHub.attach(store, 100, 100);
        long a = put("a", 1);
        put("b", 1);
        status("a", "Ready");
        delete("b");
        Watcher w = hub.watch(Query.ALL, a, () -> { });
        put("a", 2);

        assertEquals(List.of("ADDED b " + (a + 1), "MODIFIED a " + (a + 2), "DELETED b " + (a + 3),
                "MODIFIED a " + (a + 4)), drain(w));
    }

    @Test
    void statusChangesAreModifiedAtANewVersionAndDeletedCarriesTheLastState() {
        WatchHub hub = WatchHub.attach(store, 100, 100);
        Watcher w = fromNow(hub, Query.ALL);
        long a = put("a", 1);
        status("a", "Ready");
        delete("a");
        List<WatchEvent> events = pollAll(w);

        assertEquals(List.of(WatchEvent.Type.ADDED, WatchEvent.Type.MODIFIED, WatchEvent.Type.DELETED),
                events.stream().map(WatchEvent::type).toList());
        assertEquals(List.of(a, a + 1, a + 2), events.stream().map(WatchEvent::resourceVersion).toList());
        assertEquals("Ready", events.get(2).object().status().path("phase").asText(), "the deleted object's last state");
        assertEquals(a + 2, events.get(2).object().resourceVersion());
    }

    @Test
    void withoutAVersionTheCurrentObjectsComeFirstAsAddedThenABookmarkAtTheListsVersion() {
        put("a", 1);
        put("b", 1);
        long listed = put("a", 2);
        WatchHub hub = WatchHub.attach(store, 100, 100);
        Watcher w = hub.watch(Query.ALL, null, () -> { });
        put("c", 1);

        List<WatchEvent> events = pollAll(w);
        assertEquals(List.of("ADDED a listed", "ADDED b listed", "BOOKMARK " + listed, "ADDED c " + (listed + 1)),
                events.stream().map(WatchHubTest::describeListed).toList());
        assertEquals(2, events.get(0).object().spec().path("n").asInt(), "the current state");
    }

    @Test
    void changesMadeWhileTheListIsReadAreNotRepeatedAfterIt() {
        put("a", 1);
        // A store whose list comes a moment late: two changes are made after the watcher registered and
        // before the list is read, so the watcher is offered changes that the list already holds.
        SpecStore late = (SpecStore) Proxy.newProxyInstance(SpecStore.class.getClassLoader(), new Class<?>[]{SpecStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("listConsistent")) {
                        put("b", 1);
                        status("a", "Ready");
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        WatchHub hub = WatchHub.attach(late, 100, 100);
        Watcher w = hub.watch(Query.ALL, null, () -> { });
        put("c", 1);

        assertEquals(List.of("ADDED a listed", "ADDED b listed", "BOOKMARK 3", "ADDED c 4"),
                pollAll(w).stream().map(WatchHubTest::describeListed).toList());
    }

    @Test
    void versionZeroMeansAnyVersionLikeKubernetesTheCurrentObjects() {
        put("a", 1);
        WatchHub hub = WatchHub.attach(store, 100, 100);
        Watcher w = hub.watch(Query.ALL, 0L, () -> { });

        assertEquals(List.of("ADDED a listed", "BOOKMARK 1"), pollAll(w).stream().map(WatchHubTest::describeListed).toList());
    }

    @Test
    void aVersionOlderThanTheHistoryIsGoneWithTheCurrentVersion() {
        WatchHub hub = WatchHub.attach(store, 3, 100);
        for (int i = 1; i <= 5; i++) {
            put("o" + i, 1); // versions 1..5; the history keeps 3, 4 and 5
        }

        WatchGoneException gone = assertThrows(WatchGoneException.class, () -> hub.watch(Query.ALL, 1L, () -> { }));
        assertEquals(5, gone.current());
        assertEquals(1, gone.requested());
        assertEquals(2, hub.oldest());
        assertEquals(List.of("ADDED o3 3", "ADDED o4 4", "ADDED o5 5"), drain(hub.watch(Query.ALL, 2L, () -> { })));
        assertEquals(List.of(), drain(hub.watch(Query.ALL, 5L, () -> { })), "the current version itself");
        assertThrows(WatchGoneException.class, () -> hub.watch(Query.ALL, 6L, () -> { }), "a version never handed out");
        assertEquals(2, hub.watchers(), "a refused watch is not registered");
    }

    @Test
    void theHistoryStartsWhenCorralDoesOnlyTheCurrentVersionResumesAcrossARestart() {
        put("a", 1);
        put("b", 1);
        WatchHub hub = WatchHub.attach(store, 100, 100);

        assertThrows(WatchGoneException.class, () -> hub.watch(Query.ALL, 1L, () -> { }));
        Watcher w = hub.watch(Query.ALL, 2L, () -> { });
        put("c", 1);
        assertEquals(List.of("ADDED c 3"), drain(w));
    }

    @Test
    void aResumeFromTheLastVersionSeenMissesNothingAndRepeatsNothing() {
        WatchHub hub = WatchHub.attach(store, 100, 100);
        Watcher w = fromNow(hub, Query.ALL);
        put("a", 1);
        put("b", 1);
        List<WatchEvent> seen = new ArrayList<>(List.of(w.poll()));
        w.close(); // the client went away after one event
        put("c", 1);
        status("b", "Ready");
        Watcher again = hub.watch(Query.ALL, seen.get(0).resourceVersion(), () -> { });
        delete("a");
        seen.addAll(pollAll(again));

        assertEquals(List.of("ADDED a 1", "ADDED b 2", "ADDED c 3", "MODIFIED b 4", "DELETED a 5"),
                seen.stream().map(WatchHubTest::describe).toList());
        assertEquals(1, hub.watchers(), "the closed watcher is gone");
    }

    @Test
    void filtersMatchTheNewStateAndFilteredChangesEndInABookmark() {
        WatchHub hub = WatchHub.attach(store, 100, 100);
        Watcher w = fromNow(hub, new Query(null, null, LabelSelector.parse("app=web"), null));
        put("a", 1, Map.of("app", "web"));
        put("b", 1, Map.of("app", "db"));
        put("a", 2, Map.of("app", "db")); // no longer matches: not sent
        put("c", 1, Map.of("app", "web"));
        put("d", 1, Map.of());
        assertEquals(List.of("ADDED a 1", "ADDED c 4"), drain(w));

        hub.bookmark();
        assertEquals(List.of("BOOKMARK 5"), pollAll(w).stream().map(WatchHubTest::describe).toList());
        hub.bookmark();
        assertNull(w.poll(), "nothing filtered since the last bookmark");
    }

    @Test
    void aWatcherThatFallsBehindItsBufferIsClosedAndFreed() {
        WatchHub hub = WatchHub.attach(store, 100, 2);
        AtomicInteger wakes = new AtomicInteger();
        put("a", 1);
        Watcher w = hub.watch(Query.ALL, 1L, wakes::incrementAndGet);
        put("b", 1);
        put("c", 1);
        assertFalse(w.overflowed());
        put("d", 1);

        assertTrue(w.overflowed());
        assertNull(w.poll(), "its queue is freed");
        assertEquals(0, hub.watchers());
        assertTrue(wakes.get() >= 2, "woken when it had something, and when it overflowed");
        assertEquals(List.of("ADDED b 2", "ADDED c 3", "ADDED d 4"), drain(hub.watch(Query.ALL, 1L, () -> { })),
                "its client resumes from the history");
    }

    @Test
    void theReplayIsNotBoundedByTheBufferButByTheHistory() {
        WatchHub hub = WatchHub.attach(store, 100, 2);
        for (int i = 1; i <= 10; i++) {
            put("o" + i, 1);
        }
        Watcher w = hub.watch(Query.ALL, 0L + 1, () -> { });

        assertEquals(9, drain(w).size());
        assertFalse(w.overflowed());
    }

    @Test
    void closingTheHubEndsEveryWatch() {
        WatchHub hub = WatchHub.attach(store, 100, 100);
        AtomicBoolean woken = new AtomicBoolean();
        Watcher w = fromNow(hub, Query.ALL);
        woken.set(false);
        Watcher other = hub.watch(Query.ALL, null, () -> woken.set(true));
        hub.close();

        assertTrue(w.closed());
        assertTrue(other.closed());
        assertTrue(woken.get(), "its consumer is told");
        assertThrows(IllegalStateException.class, () -> hub.watch(Query.ALL, null, () -> { }));
    }

    /**
     * Writers change the store while a watcher keeps going away and resuming from the last
     * version it saw, and another starts from a list: every change reaches each exactly once, in
     * order, with no gap (each version is one change), and the list plus the changes after it is
     * the store's final state.
     */
    @Test
    @Timeout(120)
    void resumingAndListingWhileWritersWriteIsGapFreeAndWithoutRepeats() throws Exception {
        put("seed", 0); // a watch from version 0 would be a list: start after a real version
        WatchHub hub = WatchHub.attach(store, 100_000, 100_000);
        long start = store.resourceVersion();
        int writers = 4;
        int perWriter = 300;
        ExecutorService pool = Executors.newFixedThreadPool(writers + 2);
        AtomicBoolean writing = new AtomicBoolean(true);
        try {
            Future<List<Long>> resumer = pool.submit(() -> {
                List<Long> seen = new ArrayList<>();
                long last = start;
                int round = 0;
                while (writing.get() || last < store.resourceVersion()) {
                    Watcher w = hub.watch(Query.ALL, last, () -> { });
                    // Read a few, then go away, as a client that reconnects does.
                    for (int i = 0; i < 1 + round % 7; i++) {
                        WatchEvent e = w.poll();
                        if (e == null) {
                            break;
                        }
                        seen.add(e.resourceVersion());
                        last = e.resourceVersion();
                    }
                    w.close();
                    round++;
                }
                return seen;
            });
            Future<Map<ObjectKey, Long>> lister = pool.submit(() -> {
                while (store.resourceVersion() < start + 50) {
                    Thread.onSpinWait(); // start listing in the middle of the writes
                }
                Watcher w = hub.watch(Query.ALL, null, () -> { });
                Map<ObjectKey, Long> state = new HashMap<>();
                long at = -1;
                while (writing.get() || at < store.resourceVersion()) {
                    WatchEvent e = w.poll();
                    if (e == null) {
                        Thread.yield();
                        continue;
                    }
                    if (e.type() == WatchEvent.Type.BOOKMARK) {
                        at = e.resourceVersion();
                        continue;
                    }
                    if (!e.listed()) {
                        assertTrue(e.resourceVersion() > at, "each change after the last: " + e.resourceVersion());
                        at = e.resourceVersion();
                    }
                    if (e.type() == WatchEvent.Type.DELETED) {
                        state.remove(e.object().key());
                    } else {
                        state.put(e.object().key(), e.object().resourceVersion());
                    }
                }
                return state;
            });
            List<Future<?>> writes = new ArrayList<>();
            for (int t = 0; t < writers; t++) {
                int writer = t;
                writes.add(pool.submit(() -> {
                    for (int i = 0; i < perWriter; i++) {
                        String name = "w" + writer + "-" + (i % 10);
                        switch (i % 3) {
                            case 0, 1 -> put(name, i);
                            default -> {
                                if (store.get(key(name)).isPresent()) {
                                    if (i % 2 == 0) {
                                        delete(name);
                                    } else {
                                        status(name, "p" + i);
                                    }
                                }
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : writes) {
                f.get(60, TimeUnit.SECONDS);
            }
            writing.set(false);
            long end = store.resourceVersion();

            assertEquals(LongStream.rangeClosed(start + 1, end).boxed().toList(), resumer.get(60, TimeUnit.SECONDS),
                    "every version after the start once, in order");
            Map<ObjectKey, Long> expected = store.list(Query.ALL).stream()
                    .collect(Collectors.toMap(SpecObject::key, SpecObject::resourceVersion));
            assertEquals(expected, lister.get(60, TimeUnit.SECONDS), "the list and the changes after it: the store");
        } finally {
            writing.set(false);
            pool.shutdownNow();
        }
    }

    // --- helpers

    /** A watch from the store's current version (from an empty store's 0: a list, whose bookmark it reads). */
    private Watcher fromNow(WatchHub hub, Query query) {
        long now = store.resourceVersion();
        Watcher w = hub.watch(query, now, () -> { });
        if (now == 0) {
            assertEquals("BOOKMARK 0", describe(w.poll()));
        }
        return w;
    }

    private static List<String> drain(Watcher w) {
        return pollAll(w).stream().map(WatchHubTest::describe).toList();
    }

    private static List<WatchEvent> pollAll(Watcher w) {
        List<WatchEvent> out = new ArrayList<>();
        for (WatchEvent e = w.poll(); e != null; e = w.poll()) {
            out.add(e);
        }
        return out;
    }

    private static String describe(WatchEvent e) {
        return e.type() == WatchEvent.Type.BOOKMARK ? "BOOKMARK " + e.resourceVersion()
                : e.type() + " " + e.object().metadata().name() + " " + e.resourceVersion();
    }

    private static String describeListed(WatchEvent e) {
        return e.listed() ? e.type() + " " + e.object().metadata().name() + " listed" : describe(e);
    }

    private static ObjectKey key(String name) {
        return ObjectKey.of(Kind.Tool, null, name);
    }

    private long put(String name, int n) {
        return put(name, n, Map.of());
    }

    private long put(String name, int n, Map<String, String> labels) {
        SpecObject o = new SpecObject(SpecObject.API_VERSION, Kind.Tool, Metadata.declared(name, null, labels, Map.of(), null),
                (ObjectNode) Json.MAPPER.createObjectNode().put("image", "x").put("n", n), null);
        return store.apply(List.of(o), ApplyOptions.api(false)).get(0).resourceVersion();
    }

    private void status(String name, String phase) {
        store.updateStatus(key(name), Json.MAPPER.createObjectNode().put("phase", phase));
    }

    private void delete(String name) {
        try {
            store.delete(key(name), null, ApplyOptions.API);
        } catch (dev.corral.store.NotFoundException e) {
            // deleted by the same writer's earlier step: nothing to do
        }
    }
}
