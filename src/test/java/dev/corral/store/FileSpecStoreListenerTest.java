package dev.corral.store;

import dev.corral.admission.WriteRules;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.corral.store.StoreFixtures.NO_COMPACTION;
import static dev.corral.store.StoreFixtures.applyApi;
import static dev.corral.store.StoreFixtures.json;
import static dev.corral.store.StoreFixtures.tool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Listeners run after the write lock is released, yet see every event once, in commit order. */
class FileSpecStoreListenerTest {

    @TempDir
    Path dir;

    private final StoreFixtures.MutableClock clock = new StoreFixtures.MutableClock();

    @Test
    @Timeout(60)
    void concurrentWritersNeitherLoseNorReorderEvents() throws Exception {
        int threads = 8;
        int perThread = 60;
        List<Long> seen = new CopyOnWriteArrayList<>();
        try (FileSpecStore store = FileSpecStore.open(dir, clock, 8 * 1024, new WriteRules())) {
            store.addListener(e -> seen.add(e.object().resourceVersion()));
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CyclicBarrier start = new CyclicBarrier(threads);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    futures.add(pool.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        for (int i = 0; i < perThread; i++) {
                            String name = "t" + thread + "-" + i;
                            long rv = applyApi(store, tool(name, "alpine:3")).get(0).resourceVersion();
                            assertTrue(seen.contains(rv), "a write returns only once its event was delivered");
                            SpecObject withStatus = store.updateStatus(ObjectKey.of(Kind.Tool, null, name),
                                    json("{'phase':'Ready','i':" + i + "}")).orElseThrow();
                            assertTrue(seen.contains(withStatus.resourceVersion()));
                            if (i % 3 == 0) {
                                store.delete(withStatus.key(), null, ApplyOptions.API);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get(50, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            List<Long> expected = new ArrayList<>();
            for (long rv = 1; rv <= store.resourceVersion(); rv++) {
                expected.add(rv);
            }
            assertEquals(expected, seen, "every resourceVersion handed out is announced once, in order");
        }
    }

    @Test
    @Timeout(30)
    void listenersRunWithoutTheWriteLock() throws Exception {
        List<Boolean> compacted = new CopyOnWriteArrayList<>();
        try (FileSpecStore store = FileSpecStore.open(dir, clock, NO_COMPACTION, new WriteRules())) {
            store.addListener(e -> {
                // compact() takes the write lock: from another thread it would wait forever if the
                // writer still held it while calling us.
                CompletableFuture<Void> other = CompletableFuture.runAsync(store::compact);
                try {
                    other.get(5, TimeUnit.SECONDS);
                    compacted.add(true);
                } catch (Exception ex) {
                    compacted.add(false);
                }
            });
            applyApi(store, tool("a", "alpine:3"));
            assertEquals(List.of(true), compacted);
        }
    }

    @Test
    void aListenerThatWritesSeesItsEventAfterTheOneItIsHandling() {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (FileSpecStore store = FileSpecStore.open(dir, clock, NO_COMPACTION, new WriteRules())) {
            store.addListener(e -> {
                seen.add(e.type() + " " + e.object().resourceVersion());
                if (e.type() == StoreEvent.Type.ADDED) {
                    store.updateStatus(e.key(), json("{'phase':'Seen'}"));
                }
            });
            store.addListener(e -> seen.add("second " + e.object().resourceVersion()));
            applyApi(store, tool("a", "alpine:3"));
            assertEquals(List.of("ADDED 1", "second 1", "STATUS 2", "second 2"), seen);
        }
    }
}
