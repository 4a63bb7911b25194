package dev.corral.api;

import dev.corral.auth.Role;
import dev.corral.config.CorralConfig;
import dev.corral.runs.Runner;
import dev.corral.runs.WarmPools;
import dev.corral.spec.Kind;
import dev.corral.spec.SpecObject;
import dev.corral.store.Query;
import dev.corral.store.SpecStore;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.ArrayList;
import java.util.List;

/** {@code GET /pools}: each warm pool's size and how many of its containers wait idle right now. */
@Path("/pools")
@RolesAllowed(Role.R)
public class PoolsResource {

    /** @param pool {@code tool/<name>} or {@code runner/<language>} */
    public record PoolView(String pool, int size, int idle) {
    }

    @Inject
    SpecStore store;
    @Inject
    WarmPools warmPools;
    @Inject
    CorralConfig config;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Warm pools: language runners' (corral.runs.<language>-pool-size) and Tools' (pool.size)")
    public List<PoolView> list() {
        List<PoolView> views = new ArrayList<>();
        var runs = config.runs();
        for (Runner r : Runner.values()) {
            int size = r.poolSize(runs);
            if (size > 0) {
                views.add(new PoolView("runner/" + r.language(), size, warmPools.idleCount(r.poolKey())));
            }
        }
        for (SpecObject tool : store.list(Query.ofKind(Kind.Tool))) {
            int size = tool.spec().path("pool").path("size").asInt(0);
            if (size > 0) {
                views.add(new PoolView("tool/" + tool.metadata().name(), size, warmPools.idleCount(tool.key())));
            }
        }
        return views;
    }
}
