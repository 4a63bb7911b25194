package dev.corral.seeds;

import dev.corral.auth.Role;
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
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * LAIS's health endpoints. {@code /api/health} and {@code /api/health/docker} answer 503 when
 * something they check fails, so a load balancer's probe works on them as on LAIS.
 */
@Path("/api/health")
@Tag(name = "LAIS (seed 001)")
@RolesAllowed(Role.R)
public class LaisHealthResource {

    @Inject
    ServiceHealth health;
    @Inject
    SpecStore store;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The service's health: the engine and the store")
    public Response service() {
        Map<String, Object> docker = health.docker();
        Map<String, Object> st = health.store();
        boolean ok = health.healthy(docker, st);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", ok ? "healthy" : "unhealthy");
        m.put("service", "corral");
        m.put("docker", docker);
        m.put("store", st);
        return Response.status(ok ? 200 : 503).entity(m).build();
    }

    @GET
    @Path("docker")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Whether the Docker engine answers")
    public Response docker() {
        Map<String, Object> docker = health.docker();
        return Response.status("connected".equals(docker.get("status")) ? 200 : 503).entity(docker).build();
    }

    @GET
    @Path("containers")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Agents' containers counted by state (created, running, restarting, exited, removing)")
    public Map<String, Object> containers() {
        List<SpecObject> agents = store.list(Query.ofKind(Kind.Agent));
        Map<String, Integer> byState = new TreeMap<>();
        for (String s : List.of("created", "running", "restarting", "exited", "removing")) {
            byState.put(s, 0);
        }
        int healthy = 0;
        for (SpecObject a : agents) {
            byState.merge(ContainerState.of(a), 1, Integer::sum);
            healthy += ContainerState.healthy(a) ? 1 : 0;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("total", agents.size());
        m.putAll(byState);
        m.put("healthy", healthy);
        return m;
    }
}
