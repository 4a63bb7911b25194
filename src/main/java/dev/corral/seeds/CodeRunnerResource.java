package dev.corral.seeds;

import dev.corral.auth.Role;
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

/**
 * CodeRunner's service status ({@code GET /}) and detailed health ({@code GET /health}), beside its
 * {@code POST /execute} (in the API: {@code ExecuteResource}). {@code /health} answers 503 when the
 * engine or the store fails, as a health check should.
 */
@Path("/")
@Tag(name = "CodeRunner (seed 004)")
@RolesAllowed(Role.R)
public class CodeRunnerResource {

    @Inject
    ServiceHealth health;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Service status")
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("service", "corral");
        m.put("status", "running");
        m.put("languages", List.of("bash", "python", "node"));
        m.put("endpoints", List.of("GET /", "GET /health", "POST /execute", "PUT /specs", "POST /runs", "GET /q/openapi"));
        return m;
    }

    @GET
    @Path("health")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Detailed health: the engine and the store")
    public Response health() {
        Map<String, Object> docker = health.docker();
        Map<String, Object> store = health.store();
        boolean ok = health.healthy(docker, store);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", ok ? "healthy" : "unhealthy");
        m.put("docker", docker);
        m.put("store", store);
        return Response.status(ok ? 200 : 503).entity(m).build();
    }
}
