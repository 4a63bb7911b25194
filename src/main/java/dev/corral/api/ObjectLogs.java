package dev.corral.api;

import dev.corral.runtime.ContainerRuntime;
import dev.corral.runtime.LogLine;
import dev.corral.spec.ObjectKey;
import dev.corral.store.NotFoundException;
import dev.corral.store.SpecStore;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * One object's log read to its end and answered at once, for the seeds' JSON log endpoints:
 * the same reader as {@code GET /specs/.../logs} ({@code tail}, {@code since}, {@code timestamps},
 * {@code previous}), within the same stream caps, without a request thread.
 */
@ApplicationScoped
public class ObjectLogs {

    @Inject
    SpecStore store;
    @Inject
    ContainerRuntime runtime;
    @Inject
    StatusWaiter waiter;
    @Inject
    StreamLimits streams;

    /** The lines of {@code key}'s current (or previous) run as the request's query selects them; never follows. */
    public CompletionStage<List<LogLine>> read(ObjectKey key, HttpServerRequest request) {
        LogQuery query = LogQuery.of(request.params(), Instant.now());
        if (query.follow()) {
            throw ApiException.badRequest("this endpoint answers with the log so far; to follow it, use its stream");
        }
        if (store.get(key).isEmpty()) {
            throw new NotFoundException(key);
        }
        StreamLimits.Permit permit = streams.acquire(request, "reading a log");
        LogOutput.Collected out = new LogOutput.Collected();
        ObjectLog log = new ObjectLog(key, query, out, permit, runtime, waiter, store);
        log.start();
        return out.done();
    }
}
