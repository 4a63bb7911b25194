package dev.corral.api;

import dev.corral.config.CorralConfig;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the request bytes being parsed, validated and applied at once
 * ({@code corral.api.max-parsing-bytes}). Why: a parsed body costs tens of times its size in
 * memory until it is stored (measured: a 4 MiB YAML body peaks near 250 MiB of live heap), so
 * many large bodies at once would grow the heap — and the process, which rarely gives memory
 * back — to whatever a hostile client chooses.
 *
 * <p>The semaphore is deliberately not fair: a small body takes its bytes as soon as they are
 * free instead of queueing behind a multi-MiB one (the hostile bench saw one-line requests wait
 * 30 s behind four large bodies). A body that cannot get its bytes within
 * {@code corral.api.max-parsing-wait} is refused with 429 and {@code Retry-After}, like every
 * other cap (a 4xx: the hostile-input rule is that a request never gets a 5xx), so no client
 * hangs on a queue of large bodies.
 */
@ApplicationScoped
public class ParseGate {

    @Inject
    CorralConfig config;

    private Semaphore bytes;
    private int capacity;
    private long maxWaitMillis;

    /** Held while one body is processed; closing it lets the next one in. */
    public final class Ticket implements AutoCloseable {
        private final int cost;
        private boolean closed;

        private Ticket(int cost) {
            this.cost = cost;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                bytes.release(cost);
            }
        }
    }

    @PostConstruct
    void init() {
        configure(config.api().maxParsingBytes(), config.api().maxParsingWait());
    }

    /** A gate outside CDI, for tests. */
    static ParseGate of(long capacityBytes, Duration maxWait) {
        ParseGate gate = new ParseGate();
        gate.configure(capacityBytes, maxWait);
        return gate;
    }

    private void configure(long capacityBytes, Duration maxWait) {
        capacity = (int) Math.min(Integer.MAX_VALUE, Math.max(capacityBytes, 1));
        maxWaitMillis = Math.max(0, maxWait.toMillis());
        bytes = new Semaphore(capacity, false);
    }

    /** Waits until a body of {@code length} bytes may be processed, at most the configured wait. */
    public Ticket enter(int length) {
        int cost = Math.max(1, Math.min(length, capacity));
        try {
            if (!bytes.tryAcquire(cost, maxWaitMillis, TimeUnit.MILLISECONDS)) {
                throw ApiException.tooMany("Corral is processing too many large bodies at once; retry later", 1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.tooMany("interrupted while waiting to process the body", 1);
        }
        return new Ticket(cost);
    }
}
