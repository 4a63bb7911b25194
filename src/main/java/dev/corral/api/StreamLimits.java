package dev.corral.api;

import dev.corral.config.CorralConfig;
import io.quarkus.scheduler.Scheduled;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps the requests that stay open — followed logs, {@code ?wait=true}, {@code /execute} — in
 * total ({@code corral.api.max-streams}) and per client address
 * ({@code corral.api.max-streams-per-client}), with a 429 past either. None of them holds a
 * request thread, but each holds memory, and a followed log an engine connection, so without a
 * cap one client could take them all. A permit is given back when its request ends, and at the
 * latest a second after its client went away (a sweep notices closed connections, which a
 * silent stream would otherwise never learn of).
 */
@ApplicationScoped
public class StreamLimits {

    @Inject
    CorralConfig config;

    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<String, Integer> perClient = new ConcurrentHashMap<>();
    private final Set<Permit> open = ConcurrentHashMap.newKeySet();

    /** One open stream or wait. Closing it is idempotent. */
    public final class Permit implements AutoCloseable {
        private final String client;
        private final HttpServerRequest request;
        private final AtomicBoolean closed = new AtomicBoolean();
        private volatile Runnable onGone = () -> { };
        private volatile java.util.function.BooleanSupplier gone;

        private Permit(String client, HttpServerRequest request) {
            this.client = client;
            this.request = request;
        }

        /** What to stop when the client goes away first (cancel a wait, close an engine stream). */
        public Permit onClientGone(Runnable r) {
            this.onGone = r;
            if (gone()) {
                sweep();
            }
            return this;
        }

        /**
         * How to tell that the client went away, where the response does not say it (a
         * WebSocket: its upgraded connection outlives the response).
         */
        public Permit goneWhen(java.util.function.BooleanSupplier gone) {
            this.gone = gone;
            return this;
        }

        boolean gone() {
            java.util.function.BooleanSupplier g = gone;
            return g != null ? g.getAsBoolean() : request.response().closed();
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                open.remove(this);
                total.decrementAndGet();
                release(client);
            }
        }
    }

    /**
     * Takes a permit for {@code request}, or refuses with 429 when the client or Corral holds as
     * many as allowed.
     */
    public Permit acquire(HttpServerRequest request, String what) {
        String client = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
        boolean[] taken = {false};
        perClient.compute(client, (k, n) -> {
            int held = n == null ? 0 : n;
            if (held >= config.api().maxStreamsPerClient()) {
                return n;
            }
            taken[0] = true;
            return held + 1;
        });
        if (!taken[0]) {
            throw ApiException.tooMany("this client already holds " + config.api().maxStreamsPerClient()
                    + " open streams and waits (corral.api.max-streams-per-client); close one before " + what, 1);
        }
        if (total.incrementAndGet() > config.api().maxStreams()) {
            total.decrementAndGet();
            release(client);
            throw ApiException.tooMany("Corral already holds " + config.api().maxStreams()
                    + " open streams and waits (corral.api.max-streams); retry " + what + " later", 1);
        }
        Permit p = new Permit(client, request);
        open.add(p);
        return p;
    }

    private void release(String client) {
        perClient.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** Streams and waits open now. */
    public int open() {
        return total.get();
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        for (Permit p : open) {
            if (p.gone()) {
                try {
                    p.onGone.run();
                } finally {
                    p.close();
                }
            }
        }
    }
}
