package dev.corral.loop;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class WorkQueueTest {

    static final Duration BASE = Duration.ofMillis(10);
    static final Duration MAX = Duration.ofSeconds(1);

    final WorkQueue<String> q = new WorkQueue<>(BASE, MAX);

    @AfterEach
    void shutdown() {
        q.shutdown();
    }

    /** take() in the background, so a test can check that it blocks. */
    CompletableFuture<String> takeAsync() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return q.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void waitingKeysAreDeduplicated() throws Exception {
        q.add("a");
        q.add("b");
        q.add("a");
        q.add("a");
        assertEquals(2, q.depth());
        assertEquals("a", q.take());
        assertEquals("b", q.take());
        assertEquals(0, q.depth());
    }

    @Test
    void keysComeOutInFirstAddedOrder() throws Exception {
        for (String k : List.of("c", "a", "b", "a", "c")) {
            q.add(k);
        }
        assertEquals(List.of("c", "a", "b"), List.of(q.take(), q.take(), q.take()));
    }

    @Test
    void anUrgentKeyIsTakenBeforeTheQueueAndOnlyOnce() throws Exception {
        for (String k : List.of("a", "b", "c", "d")) {
            q.add(k);
        }
        q.addUrgent("c"); // waiting already: moved to the front
        q.addUrgent("x");
        q.add("x");       // an ordinary add of an urgent key leaves it where it is
        assertEquals(List.of("c", "x", "a", "b", "d"), List.of(q.take(), q.take(), q.take(), q.take(), q.take()));
        assertEquals(0, q.depth());
    }

    @Test
    void anUrgentKeyBackingOffOrBeingProcessedKeepsItsTurn() throws Exception {
        q.add("a");
        assertEquals("a", q.take());
        q.addUrgent("a"); // being processed: queued again when done, as for add
        q.add("b");
        q.done("a");
        assertEquals("b", q.take());
        assertEquals("a", q.take());
        q.addRateLimited("f"); // failed: its retry is scheduled, a death must not bring it back now
        q.addUrgent("f");
        assertEquals(0, q.depth());
    }

    @Test
    void keyBeingProcessedIsNotHandedOutAgain() throws Exception {
        q.add("a");
        assertEquals("a", q.take());
        q.add("a");
        assertEquals(0, q.depth(), "a key added while processing waits for done()");
        q.add("b");
        assertEquals("b", q.take(), "the other key is handed out, not the one in process");
        CompletableFuture<String> next = takeAsync();
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !next.isDone());
        q.done("a");
        assertEquals("a", next.get(5, TimeUnit.SECONDS), "re-added after done()");
        q.done("a");
        q.done("b");
        assertEquals(0, q.depth());
    }

    @Test
    void doneWithoutReAddLeavesNothing() throws Exception {
        q.add("a");
        assertEquals("a", q.take());
        q.done("a");
        assertEquals(0, q.depth());
        q.add("a");
        assertEquals(1, q.depth(), "after done() the key can be queued again");
    }

    @Test
    void manyAddsWhileProcessingQueueOnce() throws Exception {
        q.add("a");
        q.take();
        q.add("a");
        q.add("a");
        q.add("a");
        q.done("a");
        assertEquals(1, q.depth());
        assertEquals("a", q.take());
        q.done("a");
        assertEquals(0, q.depth());
    }

    @Test
    void takeBlocksUntilAdd() throws Exception {
        CompletableFuture<String> f = takeAsync();
        await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(2)).until(() -> !f.isDone());
        q.add("x");
        assertEquals("x", f.get(5, TimeUnit.SECONDS));
    }

    @Test
    void addAfterDelays() throws Exception {
        long start = System.nanoTime();
        q.addAfter("a", Duration.ofMillis(300));
        assertEquals(0, q.depth());
        await().atMost(Duration.ofSeconds(5)).until(() -> q.depth() == 1);
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(300), "not before the delay");
        assertEquals("a", q.take());
    }

    @Test
    void addAfterZeroOrNegativeIsImmediate() {
        q.addAfter("a", Duration.ZERO);
        q.addAfter("b", Duration.ofMillis(-5));
        assertEquals(2, q.depth());
    }

    @Test
    void addAfterMergesWithAWaitingKey() {
        q.add("a");
        q.addAfter("a", Duration.ofMillis(50));
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> q.depth() == 1);
    }

    @Test
    void aKeyWaitsForOneDelayedAddTheEarliest() throws Exception {
        // A resync every 30 s reconciles a finished run, which asks each time to be woken at its TTL's end.
        for (int i = 0; i < 1_000; i++) {
            q.addAfter("a", Duration.ofHours(1));
        }
        q.addAfter("b", Duration.ofHours(1));
        assertEquals(2, q.waitingWakes(), "one timer per key, not one per ask");
        assertEquals(2, q.keysWaitingToWake());
        q.addAfter("a", Duration.ofMillis(50));
        assertEquals(2, q.waitingWakes(), "the later wake is replaced by the earlier, not kept beside it");
        q.addAfter("a", Duration.ofHours(2));
        await().atMost(Duration.ofSeconds(5)).until(() -> q.depth() == 1);
        assertEquals("a", q.take());
        q.done("a");
        assertEquals(1, q.waitingWakes(), "a's wake has fired and is gone; b's stays");
        assertEquals(1, q.keysWaitingToWake());
        q.addAfter("a", Duration.ofHours(1));
        assertEquals(2, q.waitingWakes(), "a key woken may wait again");
    }

    @Test
    void aWakeThatComesWhileItsKeyIsBeingProcessedQueuesItWhenTheWorkerIsDone() throws Exception {
        q.add("a");
        assertEquals("a", q.take());
        q.addAfter("a", Duration.ofMillis(20));
        await().atMost(Duration.ofSeconds(5)).until(() -> q.keysWaitingToWake() == 0);
        assertEquals(0, q.depth(), "not handed to a second worker");
        q.done("a");
        assertEquals(1, q.depth());
        assertEquals("a", q.take());
    }

    @Test
    void anEngineEventDoesNotCutAFailuresBackoffShort() {
        WorkQueue<String> slow = new WorkQueue<>(Duration.ofHours(1), Duration.ofHours(1));
        try {
            slow.addUnlessBackingOff("a");
            assertEquals(1, slow.depth(), "no failure: queued at once");
            slow.addRateLimited("b");
            slow.addUnlessBackingOff("b");
            assertEquals(1, slow.depth(), "b waits for its retry, an hour away");
            slow.add("b");
            assertEquals(2, slow.depth(), "a plain add (a spec change) still goes at once");
            slow.forget("b");
            slow.addUnlessBackingOff("c");
            assertEquals(3, slow.depth());
        } finally {
            slow.shutdown();
        }
    }

    @Test
    void anEventDuringARetryIsLookedAtIfTheRetrySucceedsAndDroppedIfItFails() throws Exception {
        WorkQueue<String> slow = new WorkQueue<>(Duration.ofHours(1), Duration.ofHours(1));
        try {
            slow.addRateLimited("a");
            slow.add("a"); // its retry (a plain add stands in for the timer)
            assertEquals("a", slow.take());
            slow.addUnlessBackingOff("a"); // the container it just started died
            slow.forget("a"); // the retry succeeded
            slow.done("a");
            assertEquals(1, slow.depth(), "what happened during the retry is looked at");

            assertEquals("a", slow.take());
            slow.addRateLimited("a");
            slow.done("a");
            slow.add("a");
            assertEquals("a", slow.take());
            slow.addUnlessBackingOff("a"); // the failing start's own die
            slow.addRateLimited("a"); // and the retry failed again
            slow.done("a");
            assertEquals(0, slow.depth(), "a failed retry waits out its backoff");
        } finally {
            slow.shutdown();
        }
    }

    @Test
    void backoffDoublesAndIsCapped() {
        assertEquals(Duration.ofMillis(10), q.backoff(1));
        assertEquals(Duration.ofMillis(20), q.backoff(2));
        assertEquals(Duration.ofMillis(40), q.backoff(3));
        assertEquals(Duration.ofMillis(640), q.backoff(7));
        assertEquals(MAX, q.backoff(8)); // 1280 ms > 1 s
        assertEquals(MAX, q.backoff(31));
        assertEquals(MAX, q.backoff(32));
        assertEquals(MAX, q.backoff(100));
        assertEquals(MAX, q.backoff(Integer.MAX_VALUE));
    }

    @Test
    void backoffNeverOverflowsWithALargeBase() {
        WorkQueue<String> slow = new WorkQueue<>(Duration.ofHours(1), Duration.ofDays(1));
        try {
            for (int n = 1; n < 100; n++) {
                assertTrue(slow.backoff(n).compareTo(Duration.ofDays(1)) <= 0);
            }
        } finally {
            slow.shutdown();
        }
    }

    @Test
    void rateLimitedDoublesPerFailureAndForgetResets() {
        assertEquals(Duration.ofMillis(10), q.addRateLimited("a"));
        assertEquals(Duration.ofMillis(20), q.addRateLimited("a"));
        assertEquals(Duration.ofMillis(40), q.addRateLimited("a"));
        assertEquals(3, q.failures("a"));
        assertEquals(Duration.ofMillis(10), q.addRateLimited("b"), "per key");
        q.forget("a");
        assertEquals(0, q.failures("a"));
        assertEquals(Duration.ofMillis(10), q.addRateLimited("a"));
        await().atMost(Duration.ofSeconds(5)).until(() -> q.depth() == 2);
    }

    @Test
    void rateLimitedIsCapped() {
        Duration last = null;
        for (int i = 0; i < 20; i++) {
            last = q.addRateLimited("a");
        }
        assertEquals(MAX, last);
        assertEquals(20, q.failures("a"));
    }

    @Test
    void shutdownReleasesBlockedTake() throws Exception {
        CompletableFuture<String> f = takeAsync();
        await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(2)).until(() -> !f.isDone());
        q.shutdown();
        assertNull(f.get(5, TimeUnit.SECONDS));
    }

    @Test
    void afterShutdownTakeReturnsNullAndAddsAreIgnored() throws Exception {
        q.add("a");
        q.shutdown();
        assertNull(q.take(), "waiting keys are dropped");
        q.add("b");
        q.addAfter("c", Duration.ofMillis(10));
        q.addRateLimited("d");
        assertEquals(0, q.depth());
        assertNull(q.take());
    }

    @Test
    void delayedAddFiringAfterShutdownIsIgnored() throws Exception {
        q.addAfter("a", Duration.ofMillis(50));
        q.shutdown();
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> q.depth() == 0);
        assertNull(q.take());
    }

    @Test
    void addAfterRacingShutdownNeverThrows() throws Exception {
        AtomicReference<Throwable> error = new AtomicReference<>();
        for (int i = 0; i < 20_000 && error.get() == null; i++) {
            WorkQueue<String> queue = new WorkQueue<>(BASE, MAX);
            java.util.concurrent.CyclicBarrier barrier = new java.util.concurrent.CyclicBarrier(2);
            Thread adder = new Thread(() -> {
                try {
                    barrier.await();
                    queue.addAfter("a", Duration.ofMillis(5));
                } catch (Throwable t) {
                    error.compareAndSet(null, t);
                }
            });
            adder.start();
            barrier.await();
            queue.shutdown();
            adder.join();
        }
        assertNull(error.get(), String.valueOf(error.get()));
    }

    @Test
    void doneAfterShutdownDoesNotRequeue() throws Exception {
        q.add("a");
        assertEquals("a", q.take());
        q.add("a");
        q.shutdown();
        q.done("a");
        assertEquals(0, q.depth());
    }

    @Test
    void noKeyIsProcessedByTwoWorkersAtOnce() throws Exception {
        int workers = 8;
        int keys = 10;
        Set<String> inFlight = ConcurrentHashMap.newKeySet();
        Map<String, AtomicInteger> processed = new ConcurrentHashMap<>();
        AtomicReference<String> violation = new AtomicReference<>();
        AtomicInteger busy = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        CountDownLatch started = new CountDownLatch(workers);
        for (int w = 0; w < workers; w++) {
            Thread t = new Thread(() -> {
                started.countDown();
                while (true) {
                    String k;
                    try {
                        k = q.take();
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (k == null) {
                        return;
                    }
                    busy.incrementAndGet();
                    try {
                        if (!inFlight.add(k)) {
                            violation.compareAndSet(null, k + " handed to two workers at once");
                        }
                        processed.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet();
                        // a little work, during which producers re-add the key
                        long until = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(50);
                        while (System.nanoTime() < until) {
                            Thread.onSpinWait();
                        }
                        inFlight.remove(k);
                    } finally {
                        q.done(k);
                        busy.decrementAndGet();
                    }
                }
            }, "worker-" + w);
            t.start();
            threads.add(t);
        }
        assertTrue(started.await(5, TimeUnit.SECONDS));

        int producers = 4;
        List<Thread> ps = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int seed = p;
            Thread t = new Thread(() -> {
                for (int i = 0; i < 5000; i++) {
                    q.add("k" + ((i + seed) % keys));
                    if (i % 500 == 0) {
                        q.addAfter("k" + (i % keys), Duration.ofMillis(1));
                    }
                }
            }, "producer-" + p);
            t.start();
            ps.add(t);
        }
        for (Thread t : ps) {
            t.join(20_000);
        }
        // Every key added is eventually processed, and the queue drains.
        await().atMost(Duration.ofSeconds(10)).until(() -> q.depth() == 0 && busy.get() == 0
                && processed.size() == keys);
        // A last add after everything settled is processed once more.
        int before = processed.get("k3").get();
        q.add("k3");
        await().atMost(Duration.ofSeconds(5)).until(() -> processed.get("k3").get() > before);

        q.shutdown();
        for (Thread t : threads) {
            t.join(5_000);
            assertFalse(t.isAlive(), t.getName() + " did not stop after shutdown");
        }
        assertNull(violation.get(), violation.get());
        assertTrue(inFlight.isEmpty());
    }
}
