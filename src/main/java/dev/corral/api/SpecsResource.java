package dev.corral.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.admission.Policy;
import dev.corral.gitops.SourceRegistry;
import dev.corral.spec.Kind;
import dev.corral.spec.LabelSelector;
import dev.corral.spec.Metadata;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.spec.SpecParser;
import dev.corral.spec.SpecValidator;
import dev.corral.store.ApplyOptions;
import dev.corral.store.Change;
import dev.corral.store.ConflictException;
import dev.corral.store.NotFoundException;
import dev.corral.store.Query;
import dev.corral.store.SpecStore;
import dev.corral.spec.schema.FieldError;
import dev.corral.watch.WatchGoneException;
import dev.corral.watch.WatchHub;
import dev.corral.auth.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import io.smallrye.common.annotation.Blocking;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.media.Content;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@code /specs}: apply, read and delete objects. A thin layer over the store. */
@Path("/specs")
@RolesAllowed(Role.R)
public class SpecsResource {

    @Inject
    SpecStore store;

    @Inject
    SpecValidator validator;

    @Inject
    SourceRegistry sources;

    @Inject
    StatusWaiter waiter;

    @Inject
    StreamLimits streams;

    @Inject
    ParseGate gate;

    @Inject
    Policy policy;

    @Inject
    WatchHub hub;

    @PUT
    @Blocking
    @RolesAllowed(Role.W)
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Apply specs, all or nothing",
            description = "YAML (one or many documents separated by ---) or JSON (an object, an array, or {\"items\": [...]}).")
    @RequestBody(content = {@Content(mediaType = MediaTypes.YAML), @Content(mediaType = MediaType.APPLICATION_JSON)})
    // If-Match, dryRun and wait are declared for the API description; their values are read from the raw
    // request (IfMatch, Flags), where an empty value is not taken for an absent one.
    public CompletionStage<ApplyReply> apply(byte[] body,
                                             @HeaderParam("Content-Type") String contentType,
                                             @HeaderParam("If-Match") String ifMatchHeader,
                                             @QueryParam("dryRun") String dryRunParam,
                                             @QueryParam("wait") String waitParam,
                                             @QueryParam("timeout") String timeout,
                                             @Context HttpServerRequest request) {
        boolean dryRun = Flags.of(request, "dryRun");
        boolean wait = Flags.of(request, "wait") && !dryRun;
        Duration waitFor = wait ? WaitTimeout.parse(timeout) : null;
        IfMatch ifMatch = IfMatch.parse(request.getHeader("If-Match"));
        SpecParser.Format format = MediaTypes.formatOf(contentType);
        // Taken before anything is stored: a wait refused with 429 must leave nothing applied.
        StreamLimits.Permit permit = wait ? streams.acquire(request, "waiting") : null;
        List<Change> changes;
        List<SpecObject> objects;
        try (ParseGate.Ticket t = gate.enter(body.length)) {
            objects = validator.validateAll(SpecParser.parse(body, format));
            if (ifMatch != null) {
                objects = List.of(withPrecondition(objects, ifMatch));
            }
            policy.admit(objects);
            changes = store.apply(objects, ApplyOptions.api(dryRun));
        } catch (ConflictException e) {
            if (permit != null) {
                permit.close();
            }
            sources.clashes(e.clashes());
            throw ifMatch != null && versionConflict(e) ? IfMatch.failed(e.getMessage()) : e;
        } catch (RuntimeException e) {
            if (permit != null) {
                permit.close();
            }
            throw e;
        }
        if (permit == null) {
            return CompletableFuture.completedFuture(dryRun ? ApplyReply.dryRun(changes, objects)
                    : ApplyReply.applied(changes));
        }
        List<ObjectKey> keys = objects.stream().map(SpecObject::key).toList();
        CompletableFuture<List<StatusWaiter.Waited>> waited = waiter.await(keys, waitFor);
        permit.onClientGone(() -> waited.cancel(false));
        return waited.whenComplete((r, e) -> permit.close()).thenApply(list -> waitedReply(changes, list));
    }

    private static ApplyReply waitedReply(List<Change> changes, List<StatusWaiter.Waited> waited) {
        List<ApplyReply.Outcome> results = new java.util.ArrayList<>();
        boolean timedOut = false;
        for (StatusWaiter.Waited w : waited) {
            timedOut |= w.outcome() == StatusWaiter.Result.TimedOut;
            results.add(new ApplyReply.Outcome(w.key().kind().name(), w.key().name(), w.key().session(), w.outcome().name(),
                    w.object() == null ? null : w.object().status()));
        }
        return new ApplyReply(false, changes, timedOut, results);
    }

    private static boolean versionConflict(ConflictException e) {
        return e.errors().stream().allMatch(f -> "metadata.resourceVersion".equals(f.path()));
    }

    private SpecObject withPrecondition(List<SpecObject> objects, IfMatch ifMatch) {
        if (objects.size() != 1) {
            throw ApiException.badRequest("If-Match applies to a single object; this request holds " + objects.size());
        }
        SpecObject o = objects.get(0);
        long rv = ifMatch.require(store.get(o.key()).orElse(null), o.key().describe());
        Metadata m = o.metadata();
        if (m.resourceVersion() != null && m.resourceVersion() != rv) {
            throw IfMatch.failed("metadata.resourceVersion is " + m.resourceVersion() + ", but "
                    + o.key().describe() + " is at " + rv);
        }
        return o.withMetadata(Metadata.declared(m.name(), m.session(), m.labels(), m.annotations(), rv));
    }

    @GET
    @Produces({MediaType.APPLICATION_JSON, MediaTypes.YAML, MediaTypes.X_YAML, MediaTypes.TEXT_YAML})
    @Operation(summary = "List objects", description = "Filters: kind (lower case), session, selector=key=value,... "
            + "?watch=true streams the changes as server-sent events instead (docs/api.md, Watch): from "
            + "?resourceVersion=N (or the Last-Event-ID header) on, or after the current objects as ADDED.")
    // watch and resourceVersion: declared for the API description; a watch is routed to watch() (WatchRoute).
    public SpecList list(@QueryParam("kind") String kind, @QueryParam("session") String session,
                         @QueryParam("selector") String selector, @QueryParam("watch") String watchParam,
                         @QueryParam("resourceVersion") String resourceVersion, @Context HttpServerRequest request) {
        Flags.of(request, "watch"); // a bad value is a 400 (a true one never gets here)
        List<SpecObject> items = store.list(query(kind, session, selector));
        return new SpecList(Flags.of(request, "export") ? items.stream().map(SpecObject::exported).toList() : items);
    }

    /** {@code GET /specs?watch=true}, which {@link WatchRoute} sends here. */
    @GET
    @Path(WatchRoute.PATH)
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(hidden = true)
    public void watch(@QueryParam("kind") String kind, @QueryParam("session") String session,
                      @QueryParam("selector") String selector, @HeaderParam("Last-Event-ID") String lastEventId,
                      @Context SseEventSink sink, @Context Sse sse, @Context HttpServerRequest request) {
        Query query = query(kind, session, selector);
        // An EventSource that reconnects repeats the URL it started with and sends the last id it saw: that wins.
        Long from = null;
        if (lastEventId != null && !lastEventId.isBlank()) {
            from = version("Last-Event-ID", lastEventId);
        } else if (request.params().contains("resourceVersion")) {
            // The raw value: an empty one is refused, not taken for none.
            from = version("resourceVersion", request.params().get("resourceVersion"));
        }
        StreamLimits.Permit permit = streams.acquire(request, "watching");
        SpecWatch w = new SpecWatch(sink, sse, permit);
        try {
            w.start(hub.watch(query, from, w::wake));
        } catch (RuntimeException e) {
            permit.close(); // the sink stays open: the error is answered as JSON
            throw e;
        }
    }

    /** 410 Gone for a watch from a version Corral no longer holds, with the current one to list again at. */
    @ServerExceptionMapper
    public Response gone(WatchGoneException e) {
        return Response.status(410).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new GoneBody(e.getMessage(), List.of(new FieldError(null, "resourceVersion",
                        "cannot be resumed from: watch without it to list again")), e.current()))
                .build();
    }

    /** Corral's JSON error, with the store's current resourceVersion. */
    record GoneBody(String error, List<FieldError> details, long resourceVersion) {
    }

    private static long version(String name, String value) {
        String v = value.trim();
        if (v.isEmpty() || v.length() > 18 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw ApiException.badRequest(name + " must be a resourceVersion (a non-negative integer), not \""
                    + (value.length() <= 32 ? value : value.substring(0, 29) + "...") + "\"");
        }
        return Long.parseLong(v);
    }

    /** The filters of a list or a watch: one parsing for both, so they match the same objects. */
    private static Query query(String kind, String session, String selector) {
        Kind k = kind == null || kind.isBlank() ? null : ObjectPaths.kindOf(kind);
        LabelSelector s;
        try {
            s = selector == null || selector.isBlank() ? null : LabelSelector.parse(selector);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("selector: " + e.getMessage());
        }
        String sess = session == null || session.isBlank() ? null : session;
        return new Query(k, sess, s, null);
    }

    @GET
    @Path("{kind}/{name}")
    @Produces({MediaType.APPLICATION_JSON, MediaTypes.YAML, MediaTypes.X_YAML, MediaTypes.TEXT_YAML})
    public Response get(@PathParam("kind") String kind, @PathParam("name") String name,
                        @Context HttpServerRequest request) {
        return ObjectPaths.read(store, ObjectPaths.key(kind, null, name), Flags.of(request, "export"));
    }

    @GET
    @Path("{kind}/{session}/{name}")
    @Produces({MediaType.APPLICATION_JSON, MediaTypes.YAML, MediaTypes.X_YAML, MediaTypes.TEXT_YAML})
    public Response getInSession(@PathParam("kind") String kind, @PathParam("session") String session,
                                 @PathParam("name") String name, @Context HttpServerRequest request) {
        return ObjectPaths.read(store, ObjectPaths.key(kind, session, name), Flags.of(request, "export"));
    }

    @DELETE
    @RolesAllowed(Role.W)
    @Path("{kind}/{name}")
    @Produces(MediaType.APPLICATION_JSON)
    public DeleteReply delete(@PathParam("kind") String kind, @PathParam("name") String name,
                              @Context HttpServerRequest request) {
        // The raw header: an empty If-Match must be refused, not read as none.
        return remove(ObjectPaths.key(kind, null, name), request.getHeader("If-Match"));
    }

    @DELETE
    @RolesAllowed(Role.W)
    @Path("{kind}/{session}/{name}")
    @Produces(MediaType.APPLICATION_JSON)
    public DeleteReply deleteInSession(@PathParam("kind") String kind, @PathParam("session") String session,
                                       @PathParam("name") String name, @Context HttpServerRequest request) {
        return remove(ObjectPaths.key(kind, session, name), request.getHeader("If-Match"));
    }

    private DeleteReply remove(ObjectKey key, String ifMatchHeader) {
        IfMatch ifMatch = IfMatch.parse(ifMatchHeader);
        Long rv = ifMatch == null ? null : ifMatch.require(store.get(key).orElse(null), key.describe());
        List<SpecObject> gone;
        try {
            gone = store.delete(key, rv, ApplyOptions.API);
        } catch (ConflictException e) {
            throw ifMatch != null && versionConflict(e) ? IfMatch.failed(e.getMessage()) : e;
        } catch (NotFoundException e) {
            throw ifMatch != null ? IfMatch.failed(key.describe() + " does not exist") : e;
        }
        return new DeleteReply(gone.stream()
                .map(o -> new DeleteReply.Deleted(o.kind().name(), o.metadata().name(), o.metadata().session(),
                        o.resourceVersion()))
                .toList());
    }
}
