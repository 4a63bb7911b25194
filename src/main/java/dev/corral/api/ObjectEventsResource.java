package dev.corral.api;

import dev.corral.auth.Role;
import dev.corral.events.EventFilter;
import dev.corral.events.EventRecorder;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.store.SpecStore;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.time.Instant;

/**
 * {@code GET /specs/{kind}/[{session}/]{name}/events}: one object's events. Under {@code /specs} like
 * the objects themselves (a resource class is chosen by its path before its methods are).
 */
@Path("/specs")
@RolesAllowed(Role.R)
public class ObjectEventsResource {

    @Inject
    EventRecorder events;
    @Inject
    SpecStore store;

    @GET
    @Path("{kind}/{name}/events")
    @Produces({MediaType.APPLICATION_JSON, MediaTypes.YAML, MediaTypes.X_YAML, MediaTypes.TEXT_YAML})
    @Operation(summary = "An object's events", description = "Filters: type, since (as for GET /events)")
    public Response events(@PathParam("kind") String kind, @PathParam("name") String name,
                           @QueryParam("type") String type, @QueryParam("since") String since) {
        Kind k = ObjectPaths.kindOf(kind);
        // The same path reads a session-scoped object named "events" (/specs/relic/s1/events): the object wins.
        ObjectKey named = ObjectKey.of(k, name, "events");
        if (k.sessionScope() == Kind.Scope.REQUIRED
                || k.sessionScope() == Kind.Scope.OPTIONAL && store.get(named).isPresent()) {
            return ObjectPaths.read(store, named);
        }
        return Response.ok(eventsOf(ObjectPaths.key(kind, null, name), type, since)).build();
    }

    @GET
    @Path("{kind}/{session}/{name}/events")
    @Produces({MediaType.APPLICATION_JSON, MediaTypes.YAML, MediaTypes.X_YAML, MediaTypes.TEXT_YAML})
    @Operation(summary = "An object's events", description = "Filters: type, since (as for GET /events)")
    public EventList eventsInSession(@PathParam("kind") String kind, @PathParam("session") String session,
                                     @PathParam("name") String name, @QueryParam("type") String type,
                                     @QueryParam("since") String since) {
        return eventsOf(ObjectPaths.key(kind, session, name), type, since);
    }

    /** By kind, session and name, whatever the uid: the history of a name outlives a re-creation of the object. */
    private EventList eventsOf(ObjectKey key, String type, String since) {
        EventFilter f = EventQuery.filter(null, null, null, type, since, Instant.now());
        return new EventList(events.list(f.and(e -> e.involvedObject().is(key))));
    }
}
