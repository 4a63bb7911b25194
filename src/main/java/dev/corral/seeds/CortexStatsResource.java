package dev.corral.seeds;

import dev.corral.api.ApiException;
import dev.corral.auth.Role;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.stats.ContainerUsage;
import dev.corral.stats.StatsCollector;
import dev.corral.store.SpecStore;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cortex-Prime's {@code /containers/stats}: every managed container's last usage sample (CPU,
 * memory, network, block I/O, pids, taken every {@code corral.stats.interval}), in the seed's words.
 */
@Path("/containers/stats")
@Tag(name = "Cortex-Prime (seed 000)")
@RolesAllowed(Role.R)
public class CortexStatsResource {

    @Inject
    StatsCollector stats;
    @Inject
    SpecStore store;
    @Inject
    CortexRelicResource relics;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Every managed container's usage")
    public Map<String, Object> all() {
        List<Map<String, Object>> items = stats.all().stream()
                .sorted(Comparator.comparing(ContainerUsage::containerName)).map(this::item).toList();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("containers", items);
        m.put("total", items.size());
        m.put("interval_seconds", stats.interval().toSeconds());
        return m;
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "One container's usage: by relic_id, execution_id, an object's name or a container id")
    public Map<String, Object> one(@PathParam("id") String id) {
        for (ContainerUsage u : stats.all()) {
            if (id.length() >= SeedLookup.MIN_ID_PREFIX && u.containerId().startsWith(id) || u.containerName().equals(id)) {
                return item(u);
            }
        }
        SpecObject o = owner(id);
        List<ContainerUsage> usage = stats.of(o.key());
        Map<String, Object> m = SeedMetrics.of(seedId(o), usage.isEmpty() ? null : usage.get(0), stats.interval());
        m.put("kind", o.kind().name());
        return m;
    }

    private SpecObject owner(String id) {
        try {
            return relics.find(id);
        } catch (ApiException notARelic) {
            return SeedLookup.find(store, Kind.ToolRun, null, id)
                    .or(() -> SeedLookup.find(store, Kind.Agent, null, id))
                    .orElseThrow(() -> ApiException.notFound("no container " + id));
        }
    }

    private Map<String, Object> item(ContainerUsage u) {
        ObjectKey owner = u.owner();
        SpecObject o = store.get(owner).orElse(null);
        Map<String, Object> m = SeedMetrics.of(o == null ? owner.name() : seedId(o), u, stats.interval());
        m.put("kind", owner.kind().name());
        m.put("pool", u.pool());
        return m;
    }

    /** The id a seed client knows the object by: a relic's relic_id, a run's execution id, else its seed name. */
    private static String seedId(SpecObject o) {
        return o.kind() == Kind.Relic ? CortexRelic.id(o) : SeedNames.seedName(o);
    }
}
