package dev.corral.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.admission.WriteRules;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.corral.store.StoreFixtures.applyApi;
import static dev.corral.store.StoreFixtures.asRead;
import static dev.corral.store.StoreFixtures.json;
import static dev.corral.store.StoreFixtures.tool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Concurrent writers: nothing lost, resourceVersions unique, events in order, optimistic locking holds. */
class FileSpecStoreConcurrencyTest {

    private static final int THREADS = 8;

    @TempDir
    Path dir;

    private final StoreFixtures.MutableClock clock = new StoreFixtures.MutableClock();

    private static <T> List<T> runConcurrently(int threads, Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CyclicBarrier start = new CyclicBarrier(threads);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return task.call();
                }));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(30, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Timeout(30)
    void concurrentWritersLoseNothingAndGetUniqueResourceVersions() throws Exception {
        int perThread = 40;
        Map<ObjectKey, Long> acknowledged = new ConcurrentHashMap<>();
        List<Long> allRvs = new CopyOnWriteArrayList<>();
        List<StoreEvent> events = new CopyOnWriteArrayList<>();
        var nextThread = new java.util.concurrent.atomic.AtomicInteger();
        // a small threshold, so compactions run between the group commits
        try (FileSpecStore store = FileSpecStore.open(dir, clock, 8 * 1024, new WriteRules())) {
            store.addListener(events::add);
            runConcurrently(THREADS, () -> {
                int t = nextThread.getAndIncrement();
                for (int i = 0; i < perThread; i++) {
                    List<Change> c = applyApi(store, tool("w" + t + "-" + i, "alpine:" + i));
                    assertEquals(Action.created, c.get(0).action());
                    acknowledged.put(ObjectKey.of(Kind.Tool, null, "w" + t + "-" + i), c.get(0).resourceVersion());
                    allRvs.add(c.get(0).resourceVersion());
                    if (i % 4 == 0) {
                        SpecObject s = store.updateStatus(ObjectKey.of(Kind.Tool, null, "w" + t + "-" + i),
                                json("{'thread':" + t + "}")).orElseThrow();
                        acknowledged.put(s.key(), s.resourceVersion());
                        allRvs.add(s.resourceVersion());
                    }
                }
                return null;
            });
            int writes = THREADS * perThread + THREADS * (perThread / 4);
            assertEquals(THREADS * perThread, store.size());
            assertEquals(writes, new HashSet<>(allRvs).size(), "every write got its own resourceVersion");
            assertEquals(writes, store.resourceVersion(), "no resourceVersion was skipped or reused");
            assertEquals(writes, events.size());
            for (int i = 1; i < events.size(); i++) {
                assertTrue(events.get(i).object().resourceVersion() > events.get(i - 1).object().resourceVersion(),
                        "listeners see changes in resourceVersion order");
            }
        }
        try (FileSpecStore store = FileSpecStore.open(dir, clock, 8 * 1024, new WriteRules())) {
            assertEquals(THREADS * perThread, store.size());
            assertEquals(allRvs.size(), store.resourceVersion());
            Set<Long> rvs = new HashSet<>();
            for (Map.Entry<ObjectKey, Long> e : acknowledged.entrySet()) {
                SpecObject o = store.get(e.getKey()).orElseThrow(() -> new AssertionError(e.getKey() + " lost"));
                assertEquals(e.getValue(), o.resourceVersion(), e.getKey() + " at its acknowledged version");
                assertTrue(rvs.add(o.resourceVersion()));
            }
        }
    }

    @Test
    @Timeout(30)
    void optimisticConcurrencyLosesNoIncrement() throws Exception {
        int incrementsPerThread = 15;
        ObjectKey key = ObjectKey.of(Kind.Tool, null, "counter");
        try (FileSpecStore store = FileSpecStore.open(dir, clock, 8 * 1024, new WriteRules())) {
            applyApi(store, tool("counter", "alpine:3"));
            List<Integer> conflicts = runConcurrently(THREADS, () -> {
                int conflicted = 0;
                for (int done = 0; done < incrementsPerThread; ) {
                    SpecObject cur = store.get(key).orElseThrow();
                    ObjectNode spec = cur.spec().deepCopy();
                    spec.put("n", spec.path("n").asInt() + 1);
                    try {
                        store.apply(List.of(asRead(cur, spec)), ApplyOptions.api(false));
                        done++;
                    } catch (ConflictException e) {
                        conflicted++;
                    }
                }
                return conflicted;
            });
            SpecObject fin = store.get(key).orElseThrow();
            int total = THREADS * incrementsPerThread;
            assertEquals(total, fin.spec().get("n").asInt(), "no increment lost (conflicts: " + conflicts + ")");
            assertEquals(total + 1, fin.metadata().generation());
        }
        try (FileSpecStore store = FileSpecStore.open(dir, clock, 8 * 1024, new WriteRules())) {
            assertEquals(THREADS * incrementsPerThread, store.get(key).orElseThrow().spec().get("n").asInt());
        }
    }

    @Test
    @Timeout(30)
    void concurrentBatchesWithTheSameResourceVersionPreconditionHaveOneWinner() throws Exception {
        try (FileSpecStore store = FileSpecStore.open(dir, clock, StoreFixtures.NO_COMPACTION, new WriteRules())) {
            applyApi(store, tool("shared", "alpine:3"));
            SpecObject read = store.get(ObjectKey.of(Kind.Tool, null, "shared")).orElseThrow();
            var threadNo = new java.util.concurrent.atomic.AtomicInteger();
            List<Boolean> won = runConcurrently(THREADS, () -> {
                int t = threadNo.getAndIncrement();
                try {
                    store.apply(List.of(tool("side-" + t, "alpine:3"), asRead(read, json("{'image':'alpine:" + t + "'}"))),
                            ApplyOptions.api(false));
                    return true;
                } catch (ConflictException e) {
                    return false;
                }
            });
            assertEquals(1, won.stream().filter(b -> b).count(), "exactly one writer wins: " + won);
            int winner = won.indexOf(true);
            Map<String, Boolean> sides = new HashMap<>();
            for (int t = 0; t < THREADS; t++) {
                sides.put("side-" + t, store.get(ObjectKey.of(Kind.Tool, null, "side-" + t)).isPresent());
            }
            assertEquals(1, sides.values().stream().filter(b -> b).count(), "losers' batches left nothing: " + sides);
            assertEquals(2L, store.get(read.key()).orElseThrow().metadata().generation());
            assertTrue(winner >= 0);
        }
    }
}
