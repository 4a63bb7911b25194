package dev.corral.api;

import dev.corral.auth.Role;
import dev.corral.config.CorralConfig;
import dev.corral.runs.Runner;
import dev.corral.runs.WarmPools;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.spec.model.PoolBounds;
import dev.corral.spec.model.ToolSpec;
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

/**
 * {@code GET /pools}: each warm pool's bounds, what it is kept at now, and how many of its containers wait idle right
 * now; with pools per Swarm node ({@code corral.engine.node-engines}), one entry per pool and node.
 */
@Path("/pools")
@RolesAllowed(Role.R)
public class PoolsResource {

    /**
     * @param pool   {@code tool/<name>} or {@code runner/<language>}
     * @param max    the most it grows to under demand ({@code size}: a fixed pool)
     * @param target what it is kept at now: its size, more while runs find it empty
     * @param idle   warm containers waiting for a run right now
     * @param node   the Swarm node whose engine keeps it (absent: the one engine's)
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record PoolView(String pool, int size, int max, int target, int idle, String node) {

        static PoolView of(String name, ObjectKey key, PoolBounds bounds, WarmPools pools, String node) {
            // A node's pool: what its reconciler kept it at (none where the Tool's placement excludes the node).
            int target = node == null ? pools.target(key, bounds) : pools.keptAt(key);
            return new PoolView(name, bounds.size(), bounds.max(), target, pools.idleCount(key), node);
        }
    }

    @Inject
    SpecStore store;
    @Inject
    WarmPools warmPools;
    @Inject
    CorralConfig config;
    /** Resolved only with corral.engine.runs=swarm: its producer reaches for the Swarm manager. */
    @Inject
    jakarta.enterprise.inject.Instance<dev.corral.swarm.NodeEngines> nodes;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Warm pools: language runners' (corral.runs.<language>-pool-size, -pool-max) and Tools' (pool.size, pool.max)")
    public List<PoolView> list() {
        java.util.Map<String, WarmPools> where = new java.util.LinkedHashMap<>();
        if (config.engine().runs() == CorralConfig.RunPlacement.manager) {
            where.put(null, warmPools);
        } else {
            where.putAll(nodes.get().pools());
        }
        List<PoolView> views = new ArrayList<>();
        var runs = config.runs();
        where.forEach((node, pools) -> {
            for (Runner r : Runner.values()) {
                PoolBounds bounds = r.pool(runs);
                if (bounds.pooled()) {
                    views.add(PoolView.of("runner/" + r.language(), r.poolKey(), bounds, pools, node));
                }
            }
            for (SpecObject tool : store.list(Query.ofKind(Kind.Tool))) {
                PoolBounds bounds = ToolSpec.of(tool.spec()).pool();
                if (bounds.pooled()) {
                    views.add(PoolView.of("tool/" + tool.metadata().name(), tool.key(), bounds, pools, node));
                }
            }
        });
        return views;
    }
}
