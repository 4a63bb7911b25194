package dev.corral.api;

import dev.corral.auth.Role;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.stats.ContainerUsage;
import dev.corral.stats.StatsCollector;
import dev.corral.store.NotFoundException;
import dev.corral.store.SpecStore;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.Comparator;
import java.util.List;

/**
 * {@code GET /specs/{kind}/[{session}/]{name}/stats}: what one object's containers use. Under
 * {@code /specs} like the objects themselves (a resource class is chosen by its path before its
 * methods are, so these cannot live under another class path).
 */
@Path("/specs")
@RolesAllowed(Role.R)
public class ObjectStatsResource {

    public record ObjectStats(String kind, String session, String name, String interval, List<StatsResource.Item> items) {
    }

    @Inject
    StatsCollector stats;
    @Inject
    SpecStore store;

    @GET
    @Path("{kind}/{name}/stats")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Resource usage of one object's containers (Agent, Tool's pool, ToolRun outside sessions)")
    public Response ofObject(@PathParam("kind") String kind, @PathParam("name") String name) {
        Kind k = ObjectPaths.kindOf(kind);
        if (k.sessionScope() == Kind.Scope.REQUIRED) {
            // This path is also /specs/{kind}/{session}/{name} for an object named "stats": that one it is.
            return ObjectPaths.read(store, ObjectPaths.key(kind, name, "stats"));
        }
        return Response.ok(objectStats(ObjectPaths.key(kind, null, name))).build();
    }

    @GET
    @Path("{kind}/{session}/{name}/stats")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Resource usage of one object's containers (Relic, ToolRun in a session)")
    public ObjectStats ofObjectInSession(@PathParam("kind") String kind, @PathParam("session") String session,
                                         @PathParam("name") String name) {
        return objectStats(ObjectPaths.key(kind, session, name));
    }

    private ObjectStats objectStats(ObjectKey key) {
        if (store.get(key).isEmpty()) {
            throw new NotFoundException(key);
        }
        List<StatsResource.Item> items = stats.of(key).stream().sorted(Comparator.comparing(ContainerUsage::containerName))
                .map(StatsResource.Item::of).toList();
        return new ObjectStats(key.kind().name(), key.session(), key.name(), StatsResource.interval(stats), items);
    }
}
