package dev.corral.api;

import dev.corral.config.CorralConfig;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the request bytes being parsed, validated and applied at once
 * ({@code corral.api.max-parsing-bytes}). Why: a parsed body costs tens of times its size in
 * memory until it is stored (measured: a 4 MiB YAML body peaks near 250 MiB of live heap), so
 * many large bodies at once would grow the heap — and the process, which rarely gives memory
 * back — to whatever a hostile client chooses. Behind the gate a large body waits its turn
 * (429 after 30 s); small ones pass at once while there is room.
 */
@ApplicationScoped
public class ParseGate {

    @Inject
    CorralConfig config;

    private Semaphore bytes;
    private int capacity;

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
        capacity = (int) Math.min(Integer.MAX_VALUE, Math.max(config.api().maxParsingBytes(), 1));
        bytes = new Semaphore(capacity, true);
    }

    /** Waits until a body of {@code length} bytes may be processed. */
    public Ticket enter(int length) {
        int cost = Math.max(1, Math.min(length, capacity));
        try {
            if (!bytes.tryAcquire(cost, 30, TimeUnit.SECONDS)) {
                throw ApiException.tooMany("Corral is processing too many large bodies at once; retry later", 1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "interrupted while waiting to process the body");
        }
        return new Ticket(cost);
    }
}
