package dev.corral.seeds;

import dev.corral.api.StatusWaiter;
import dev.corral.api.StreamLimits;
import dev.corral.spec.SpecObject;
import dev.corral.spec.model.Phase;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * How the seeds' endpoints answer "once it runs" (as the seeds did, blocking on the engine):
 * without a request thread, within the stream caps (429 past them), and given up when the client
 * goes away, like {@code ?wait=true}.
 */
@ApplicationScoped
public class SeedWaits {

    @Inject
    StatusWaiter waiter;
    @Inject
    StreamLimits streams;

    /**
     * Takes the wait's permit (429 past the caps) before anything is declared, so a refused wait
     * leaves nothing applied.
     */
    public Waiting begin(HttpServerRequest request, String what) {
        return new Waiting(streams.acquire(request, what));
    }

    /** One wait: declare with {@link #declaring}, then wait with {@link #until}. */
    public final class Waiting {
        private final StreamLimits.Permit permit;

        private Waiting(StreamLimits.Permit permit) {
            this.permit = permit;
        }

        /** Runs the declaration; if it fails, the permit is given back. */
        public <T> T declaring(Supplier<T> declaration) {
            try {
                return declaration.get();
            } catch (RuntimeException e) {
                permit.close();
                throw e;
            }
        }

        /** Completes with {@code o} as stored once {@code done} holds, or as it is when {@code timeout} passes. */
        public CompletionStage<SpecObject> until(SpecObject o, Predicate<SpecObject> done, Duration timeout) {
            CompletableFuture<SpecObject> waited = declaring(() -> waiter.awaitUntil(o.key(), done, timeout));
            permit.onClientGone(() -> waited.cancel(false));
            return waited.whenComplete((r, e) -> permit.close()).thenApply(last -> last == null ? o : last);
        }
    }

    /**
     * Whether a Relic or Agent has settled after its latest spec: running (healthy, or crashing), or
     * stopped or failed; when {@code stopping}, only stopped or failed.
     */
    public static boolean settled(SpecObject o, boolean stopping) {
        Phase p = Phase.ofStatus(o.status());
        long observed = o.status() == null ? -1 : o.status().path("observedGeneration").asLong(-1);
        if (p == null || observed < o.metadata().generation()) {
            return false;
        }
        return p == Phase.Failed || p == Phase.Stopped || p == Phase.Paused || (!stopping && (p == Phase.Ready || p == Phase.CrashLoopBackOff));
    }
}
