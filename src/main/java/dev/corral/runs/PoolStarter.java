package dev.corral.runs;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts a pool's missing warm containers several at once. Why: a container's create and start take
 * a few hundred milliseconds of the engine's time, mostly waiting; one after the other, refilling a
 * pool grown to a burst's size would take a minute, and the engine serves parallel starts nearly as
 * fast as one. At most {@link #BATCH} at a time for all pools together, so a refill never floods the
 * engine that also serves the runs.
 */
final class PoolStarter implements AutoCloseable {

    /** Starts in flight at once, and the most one pass of a pool starts. */
    static final int BATCH = 8;

    /** @param failure the first start that failed, or null */
    record Started(int count, RuntimeException failure) {
    }

    private final AtomicInteger threads = new AtomicInteger();
    private final ExecutorService executor = Executors.newFixedThreadPool(BATCH, r -> {
        Thread t = new Thread(r, "corral-pool-start-" + threads.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    /** Runs {@code start} {@code min(wanted, BATCH)} times at once, and waits for all of them. */
    Started start(int wanted, Runnable start) {
        int n = Math.min(wanted, BATCH);
        if (n <= 0) {
            return new Started(0, null);
        }
        if (n == 1) {
            // No hand-off for the common refill of one claimed container.
            try {
                start.run();
                return new Started(1, null);
            } catch (RuntimeException e) {
                return new Started(0, e);
            }
        }
        List<Future<?>> futures = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            futures.add(executor.submit(start));
        }
        int count = 0;
        RuntimeException failure = null;
        for (Future<?> f : futures) {
            try {
                f.get();
                count++;
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                }
            } catch (InterruptedException e) {
                // Corral is stopping (close() interrupts the worker): not a failure, the rest is not waited for.
                Thread.currentThread().interrupt();
                break;
            }
        }
        return new Started(count, failure);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
