package dev.corral.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.admission.Policy;
import dev.corral.auth.Role;
import dev.corral.config.CorralConfig;
import dev.corral.runs.Launcher;
import dev.corral.runs.RunFiles;
import dev.corral.runtime.Logs;
import dev.corral.spec.Json;
import dev.corral.spec.JsonLimits;
import dev.corral.spec.Kind;
import dev.corral.spec.Metadata;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.spec.SpecParser;
import dev.corral.spec.SpecValidator;
import dev.corral.spec.model.RunPhase;
import dev.corral.spec.model.ToolRunSpec;
import dev.corral.runs.RunTimings;
import dev.corral.store.ApplyOptions;
import dev.corral.store.Change;
import dev.corral.store.ConflictException;
import dev.corral.store.Query;
import dev.corral.store.SpecStore;
import io.smallrye.common.annotation.Blocking;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Tool runs as an API: a thin layer over {@code ToolRun} specs. Creating a run is applying a
 * ToolRun; cancelling is declaring {@code corral.dev/cancel: "true"} on it; the reconcile loop
 * does the rest.
 */
@Path("/runs")
@RolesAllowed(Role.R)
public class RunsResource {

    @Inject
    SpecStore store;
    @Inject
    SpecValidator validator;
    @Inject
    StatusWaiter waiter;
    /** The engine of each run's container (a Swarm node's, for a run in its warm pool). */
    @Inject
    dev.corral.runs.RunEngines engines;
    @Inject
    CorralConfig config;

    @Inject
    StreamLimits streams;
    @Inject
    RunAdmission admission;
    @Inject
    ParseGate gate;
    @Inject
    Policy policy;
    @Inject
    RunTimings timings;

    @POST
    @Blocking
    @RolesAllowed(Role.X)
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start a run", description = "Body: a ToolRun spec, {\"tool\", \"session\", \"parameters\"} or "
            + "{\"language\", \"code\", \"timeoutSeconds\"}. ?wait=true answers when it has finished.")
    // wait is declared for the API description; its value is read from the raw request (Flags).
    public CompletionStage<Response> create(byte[] body, @HeaderParam("Content-Type") String contentType,
                                            @QueryParam("wait") String waitParam, @QueryParam("timeout") String timeout,
                                            @Context HttpServerRequest request, @Context RoutingContext routing) {
        long received = RequestArrival.of(routing);
        boolean wait = Flags.of(request, "wait");
        Duration waitFor = wait ? WaitTimeout.parse(timeout) : null;
        SpecParser.Format format = MediaTypes.formatOf(contentType);
        StreamLimits.Permit permit = wait ? streams.acquire(request, "waiting for a run") : null;
        SpecObject run;
        try (ParseGate.Ticket t = gate.enter(body.length)) {
            List<JsonNode> docs = SpecParser.parse(body, format);
            if (docs.size() != 1 || !docs.get(0).isObject()) {
                throw ApiException.badRequest("POST /runs takes one run: a ToolRun spec or a short form object");
            }
            run = start(RunRequests.toolRun((ObjectNode) docs.get(0)), received, wait);
        } catch (RuntimeException e) {
            if (permit != null) {
                permit.close();
            }
            throw e;
        }
        if (permit == null) {
            return CompletableFuture.completedFuture(created(run));
        }
        SpecObject submitted = run;
        CompletableFuture<List<StatusWaiter.Waited>> waited = waiter.await(List.of(run.key()), waitFor);
        permit.onClientGone(() -> waited.cancel(false));
        return waited.whenComplete((r, e) -> {
            permit.close();
            if (e != null) {
                timings.forget(submitted.key());
            }
        }).thenApply(list -> {
            SpecObject last = list.get(0).object();
            // Where its time went, as a standard header (RunTimings); also in corral_run_stage_seconds.
            String serverTiming = timings.answered(submitted.key());
            Response.ResponseBuilder reply = createdReply(last == null ? submitted : last);
            return (serverTiming == null ? reply : reply.header("Server-Timing", serverTiming)).build();
        });
    }

    private static Response created(SpecObject run) {
        return createdReply(run).build();
    }

    private static Response.ResponseBuilder createdReply(SpecObject run) {
        return Response.status(201).header("Location", "/runs/" + run.metadata().name()).entity(run);
    }

    /**
     * Validates and stores one run, within {@code corral.runs.max-queued} (429 past it). Only
     * ToolRuns, and only new ones: a request refused for any reason stores nothing.
     */
    public SpecObject start(ObjectNode doc) {
        return start(doc, System.nanoTime(), false);
    }

    /**
     * As {@link #start(ObjectNode)}, measured from {@code receivedNanos}.
     *
     * @param awaited whether the client waits for the run to end (its stages are then kept for the answer)
     */
    SpecObject start(ObjectNode doc, long receivedNanos, boolean awaited) {
        JsonNode kind = doc.get("kind");
        if (kind != null && !"ToolRun".equals(kind.asText(null))) {
            throw ApiException.badRequest("POST /runs starts ToolRuns only, not " + (kind.isTextual() ? kind.asText()
                    : "kind " + kind) + "; apply other kinds with PUT /specs");
        }
        SpecObject run = validator.validateAll(List.of(doc)).get(0);
        policy.admit(List.of(run));
        timings.admitted(run.key(), receivedNanos, awaited);
        try {
            admission.admit(() -> store.apply(List.of(run), ApplyOptions.apiCreate()));
        } catch (ConflictException e) {
            throw new ApiException(409, run.key().describe() + " exists already: a run is started once; use another name");
        } catch (RuntimeException e) {
            timings.forget(run.key());
            throw e;
        }
        return store.get(run.key()).orElseThrow();
    }

    @GET
    @Path("{name}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A run: its status and result")
    public SpecObject get(@PathParam("name") String name, @QueryParam("session") String session) {
        return find(name, session);
    }

    @GET
    @Path("{name}/logs")
    @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
    @Operation(summary = "A run's stdout and stderr", description = "?follow=true streams them as server-sent events "
            + "(event stdout or stderr, then end) until the run ends; ?timestamps=true prefixes each line")
    // follow and timestamps: declared for the API description, read from the raw request (Flags).
    public void logs(@PathParam("name") String name, @QueryParam("session") String session,
                     @QueryParam("follow") String followParam, @QueryParam("timestamps") String timestampsParam,
                     @Context SseEventSink sink, @Context Sse sse, @Context HttpServerRequest request) {
        boolean follow = Flags.of(request, "follow");
        boolean timestamps = Flags.of(request, "timestamps");
        SpecObject run = find(name, session);
        ObjectNode status = run.status() == null ? Json.MAPPER.createObjectNode() : run.status();
        String containerId = status.path("containerId").asText(null);
        boolean finished = RunPhase.finishedIn(status);
        if (!follow || finished) {
            if (finished || containerId == null) {
                LogFollow.sendCaptured(sink, sse, status);
            } else {
                Logs logs = engines.of(run).logs(containerId, config.runs().outputCapBytes());
                sink.send(sse.newEventBuilder().name("stdout").data(logs.stdout()).build());
                sink.send(sse.newEventBuilder().name("stderr").data(Launcher.report(logs.stderr()).stderr()).build());
                sink.send(sse.newEventBuilder().name("end").data(RunPhase.jsonOrPending(status)).build());
            }
            sink.close();
            return;
        }
        // A run that has not started has no output yet: wait, without a thread, for its container (or its end).
        LogFollow f = new LogFollow(sink, sse, timestamps, streams.acquire(request, "following a log"),
                () -> waiter.awaitUntil(run.key(), o -> RunPhase.finishedIn(o.status()), Duration.ofSeconds(30)));
        f.after(waiter.awaitUntil(run.key(), o -> o.status() != null && (o.status().hasNonNull("containerId")
                || RunPhase.finishedIn(o.status())), Duration.ofMinutes(10)), engines::of);
    }

    @POST
    @RolesAllowed(Role.X)
    @Path("{name}/cancel")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Cancel a run: it is killed and ends Cancelled")
    public Response cancel(@PathParam("name") String name, @QueryParam("session") String session) {
        return Response.accepted(requestCancel(find(name, session))).build();
    }

    /**
     * Declares that {@code run} is to be cancelled (its {@code corral.dev/cancel} annotation): the
     * loop kills it and it ends Cancelled. A 409 if it has already finished.
     *
     * @return the run as stored after the declaration
     */
    public SpecObject requestCancel(SpecObject run) {
        if (RunPhase.finishedIn(run.status())) {
            throw new ApiException(409, run.key().describe() + " has already finished");
        }
        Metadata m = run.metadata();
        Map<String, String> annotations = new HashMap<>(m.annotations() == null ? Map.of() : m.annotations());
        annotations.put(ToolRunSpec.CANCEL_ANNOTATION, "true");
        store.apply(List.of(new SpecObject(run.apiVersion(), run.kind(),
                Metadata.declared(m.name(), m.session(), m.labels(), annotations, null), run.spec(), null)),
                ApplyOptions.api(false));
        return store.get(run.key()).orElse(run);
    }

    @DELETE
    @RolesAllowed(Role.W)
    @Path("{name}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Delete a run (killing it if it runs) and its files")
    public DeleteReply delete(@PathParam("name") String name, @QueryParam("session") String session) {
        SpecObject run = find(name, session);
        List<SpecObject> deleted = store.delete(run.key(), null, ApplyOptions.API);
        RunFiles.delete(config.dataDir(), run.metadata().uid());
        return DeleteReply.of(deleted);
    }

    @GET
    @Path("{name}/files/{path: .+}")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    @Operation(summary = "A file the run left in /workspace/output")
    public Response file(@PathParam("name") String name, @PathParam("path") String path,
                         @QueryParam("session") String session) {
        SpecObject run = find(name, session);
        java.nio.file.Path dir = RunFiles.dir(config.dataDir(), run.metadata().uid());
        java.nio.file.Path f;
        try {
            f = dir.resolve(path).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw ApiException.badRequest("not a file path: " + JsonLimits.repair(e.getReason()));
        }
        if (!f.startsWith(dir) || !Files.isRegularFile(f)) {
            throw ApiException.notFound("run " + name + " has no file " + path);
        }
        return Response.ok(f.toFile()).build();
    }

    /** A run by name: in the given session, or alone, or (if unambiguous) in any session. */
    SpecObject find(String name, String session) {
        if (session != null) {
            return store.get(ObjectKey.of(Kind.ToolRun, session, name))
                    .orElseThrow(() -> ApiException.notFound("run " + session + "/" + name + " not found"));
        }
        var alone = store.get(ObjectKey.of(Kind.ToolRun, null, name));
        if (alone.isPresent()) {
            return alone.get();
        }
        List<SpecObject> any = store.list(Query.ofKind(Kind.ToolRun)).stream()
                .filter(r -> r.metadata().name().equals(name)).toList();
        if (any.size() == 1) {
            return any.get(0);
        }
        if (any.isEmpty()) {
            throw ApiException.notFound("run " + name + " not found");
        }
        throw new ApiException(409, "several sessions have a run named " + name + "; add ?session=");
    }
}
