package dev.corral.api;

import dev.corral.auth.Role;
import dev.corral.events.EventFilter;
import dev.corral.events.EventRecorder;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.time.Instant;

/**
 * {@code /events}: what happened to objects lately, as Kubernetes-style events, read from the
 * in-memory {@link EventRecorder}; {@code ?watch=true} streams them as server-sent events.
 */
@Path("/events")
@RolesAllowed(Role.R)
public class EventsResource {


    @Inject
    EventRecorder events;

    @Inject
    StreamLimits streams;

    @GET
    @Produces({MediaType.APPLICATION_JSON, MediaTypes.YAML, MediaTypes.X_YAML, MediaTypes.TEXT_YAML})
    @Operation(summary = "Events, least recently seen first",
            description = "Filters: kind, session, name, type (Normal or Warning), since (an RFC 3339 time or a "
                    + "duration back from now such as 5m). ?watch=true streams them as server-sent events.")
    // watch is declared for the API description; a true value never reaches this method (see WatchRoute).
    public EventList list(@QueryParam("kind") String kind, @QueryParam("session") String session,
                          @QueryParam("name") String name, @QueryParam("type") String type,
                          @QueryParam("since") String since, @QueryParam("watch") String watch,
                          @Context HttpServerRequest request) {
        Flags.of(request, "watch"); // a bad value is a 400 (a true one never gets here)
        return new EventList(events.list(EventQuery.filter(kind, session, name, type, since, Instant.now())));
    }

    @GET
    @Path(WatchRoute.PATH)
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Events as server-sent events: the matching ones (ADDED), then each change (ADDED, MODIFIED)",
            description = "Reached as GET /events?watch=true, with the same filters.")
    public void watch(@QueryParam("kind") String kind, @QueryParam("session") String session,
                      @QueryParam("name") String name, @QueryParam("type") String type,
                      @QueryParam("since") String since, @Context SseEventSink sink, @Context Sse sse,
                      @Context HttpServerRequest request) {
        EventFilter filter = EventQuery.filter(kind, session, name, type, since, Instant.now());
        new EventWatch(sink, sse, streams.acquire(request, "watching events")).start(events, filter);
    }
}
