package dev.corral.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.spec.Json;
import dev.corral.spec.SpecObject;
import dev.corral.spec.model.RunPhase;
import io.smallrye.common.annotation.Blocking;
import io.vertx.core.http.HttpServerRequest;
import dev.corral.auth.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * CodeRunner's {@code POST /execute}, kept working as a thin adapter: its body becomes a
 * language ToolRun, and the answer is that run's result. It waits like {@code ?wait=true}:
 * without holding a thread, within the stream caps, and for at most {@link #MAX_TIMEOUT} seconds
 * of run (longer runs belong to {@code POST /runs}, which does not keep a request open).
 */
@Path("/execute")
@RolesAllowed(Role.X)
public class ExecuteResource {

    static final int MAX_TIMEOUT = (int) WaitTimeout.MAX.toSeconds();
    /** How long past the run's own timeout the answer may take (a queued run waits for a slot first). */
    private static final int GRACE_SECONDS = 60;

    @Inject
    RunsResource runs;
    @Inject
    StatusWaiter waiter;
    @Inject
    StreamLimits streams;

    @POST
    @Blocking
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "CodeRunner compatible: run code and answer with its output",
            description = "Body {\"code\", \"language\" (bash, python, node), \"timeout\" (seconds, 1 to 600)}")
    public CompletionStage<Response> execute(JsonNode body, @Context HttpServerRequest request) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("body must be {\"code\", \"language\", \"timeout\"}");
        }
        JsonNode t = body.get("timeout");
        if (t != null && !t.isNull() && (!t.isIntegralNumber() || !t.canConvertToInt() || t.intValue() < 1
                || t.intValue() > MAX_TIMEOUT)) {
            throw ApiException.badRequest("timeout must be a whole number of seconds from 1 to " + MAX_TIMEOUT
                    + " (longer runs: POST /runs)");
        }
        int timeout = t == null || t.isNull() ? 60 : t.intValue();
        ObjectNode shortForm = Json.MAPPER.createObjectNode();
        shortForm.set("language", body.get("language"));
        shortForm.set("code", body.get("code"));
        shortForm.put("timeoutSeconds", timeout);
        StreamLimits.Permit permit = streams.acquire(request, "executing code");
        SpecObject run;
        try {
            run = runs.start(RunRequests.toolRun(shortForm));
        } catch (RuntimeException e) {
            permit.close();
            throw e;
        }
        CompletableFuture<List<StatusWaiter.Waited>> waited =
                waiter.await(List.of(run.key()), Duration.ofSeconds(timeout + GRACE_SECONDS));
        permit.onClientGone(() -> waited.cancel(false));
        return waited.whenComplete((r, e) -> permit.close()).thenApply(list -> reply(run, list.get(0).object()));
    }

    private static Response reply(SpecObject run, SpecObject last) {
        SpecObject done = last == null ? run : last;
        ObjectNode s = done.status() == null ? Json.MAPPER.createObjectNode() : done.status();
        ObjectNode reply = Json.MAPPER.createObjectNode();
        reply.put("run", run.metadata().name());
        reply.put("status", RunPhase.jsonOrPending(s));
        reply.put("stdout", s.path("stdout").asText(""));
        reply.put("stderr", s.path("stderr").asText(""));
        reply.set("exitCode", s.get("exitCode"));
        reply.set("durationMs", s.get("durationMs"));
        reply.put("timedOut", RunPhase.ofStatus(s) == RunPhase.TIMED_OUT);
        reply.set("result", s.get("result"));
        return Response.ok(reply).build();
    }
}
