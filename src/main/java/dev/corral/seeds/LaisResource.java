package dev.corral.seeds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.api.ApiException;
import dev.corral.api.ObjectLogs;
import dev.corral.auth.Role;
import dev.corral.config.CorralConfig;
import dev.corral.spec.Json;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.stats.ContainerUsage;
import dev.corral.stats.StatsCollector;
import dev.corral.store.Query;
import dev.corral.store.SpecStore;
import io.smallrye.common.annotation.Blocking;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * LAIS's Docker orchestrator ({@code /api/*}, seed 001), as a thin adapter: a deployed agent is
 * an Agent spec (its code mounted read-only at {@code /app/agent}), start and stop set its
 * {@code state}, and the loop does the rest. Every Agent is listed, wherever it was declared.
 * LAIS's health endpoints are in {@link LaisHealthResource}; its log stream in {@link LaisLogsRoute}.
 */
@Path("/api")
@Tag(name = "LAIS (seed 001)")
public class LaisResource {

    /** How long a deploy, start or stop waits for the Agent to be running (or stopped) before answering. */
    static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    Declarations declarations;
    @Inject
    SpecStore store;
    @Inject
    SeedWaits waits;
    @Inject
    StatsCollector stats;
    @Inject
    ObjectLogs logs;
    @Inject
    CorralConfig config;

    @POST
    @Path("deploy")
    @Blocking
    @RolesAllowed(Role.W)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Deploy an agent: its generated code, mounted read-only at /app/agent, run by the runner image",
            description = "{\"name\", \"code_path\" (a host directory under corral.agent.code-roots), \"image\" (default: "
                    + "corral.agent.runner-image), \"env\", \"command\", \"port\", \"resource_limits\": {\"memory_mb\", "
                    + "\"cpu_limit\"}}. 201 with the container once it runs (200 when it re-deploys one), at most 60 s.")
    public CompletionStage<Response> deploy(JsonNode json, @Context HttpServerRequest request) {
        SeedBody body = SeedBody.of(json, "{\"name\", \"code_path\", \"image\", \"env\", \"command\", \"port\", \"resource_limits\"}");
        String seedName = body.name("name");
        ObjectNode spec = Json.MAPPER.createObjectNode();
        String image = body.text("image", false);
        spec.put("image", image != null ? image : config.agent().runnerImage());
        spec.put("code", body.text("code_path", true));
        ObjectNode env = body.strings("env");
        if (env != null) {
            spec.set("env", env);
        }
        JsonNode command = json.get("command");
        if (command != null && !command.isNull()) {
            spec.set("command", command);
        }
        Integer port = body.integer("port", 1, 65535);
        if (port != null) {
            spec.put("port", port);
        }
        Integer memory = body.integer("resource_limits.memory_mb", 6, 65536);
        Double cpus = body.number("resource_limits.cpu_limit", 0.01, 64);
        if (memory != null || cpus != null) {
            ObjectNode resources = spec.putObject("resources");
            if (memory != null) {
                resources.put("memoryMb", memory);
            }
            if (cpus != null) {
                resources.put("cpus", cpus);
            }
        }
        String name = SeedNames.toObjectName(seedName);
        boolean existed = store.get(new ObjectKey(Kind.Agent, null, name)).isPresent();
        SeedWaits.Waiting waiting = waits.begin(request, "deploying an agent");
        SpecObject agent = waiting.declaring(() -> declarations.declare(List.of(Declarations.document(Kind.Agent, name, null,
                Map.of(Declarations.SURFACE_LABEL, "lais"), SeedNames.annotations(seedName), spec))).get(0));
        return waitFor(waiting, agent, existed ? 200 : 201);
    }

    @GET
    @Path("containers")
    @RolesAllowed(Role.R)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Every agent's container")
    public Map<String, Object> list() {
        List<LaisContainer> items = store.list(Query.ofKind(Kind.Agent)).stream()
                .sorted(Comparator.comparing(o -> o.metadata().name())).map(LaisContainer::of).toList();
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("containers", items);
        reply.put("total", items.size());
        return reply;
    }

    @GET
    @Path("containers/{id}")
    @RolesAllowed(Role.R)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "One agent's container: by the name it was deployed with, its Agent's name, or its container id")
    public LaisContainer get(@PathParam("id") String id) {
        return LaisContainer.of(find(id));
    }

    @DELETE
    @Path("containers/{id}")
    @RolesAllowed(Role.W)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Remove an agent (its Agent spec; the loop removes the container)")
    public Map<String, Object> delete(@PathParam("id") String id) {
        SpecObject agent = find(id);
        declarations.delete(agent.key());
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("id", SeedNames.seedName(agent));
        reply.put("status", "removed");
        return reply;
    }

    @POST
    @Path("containers/{id}/start")
    @Blocking
    @RolesAllowed(Role.W)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start an agent (state: Running); answers once it runs, at most 60 s")
    public CompletionStage<Response> start(@PathParam("id") String id, @Context HttpServerRequest request) {
        return setState(find(id), "Running", request);
    }

    @POST
    @Path("containers/{id}/stop")
    @Blocking
    @RolesAllowed(Role.W)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Stop an agent (state: Stopped: its container is stopped and kept); answers once it has stopped")
    public CompletionStage<Response> stop(@PathParam("id") String id, @Context HttpServerRequest request) {
        return setState(find(id), "Stopped", request);
    }

    @GET
    @Path("containers/{id}/metrics")
    @RolesAllowed(Role.R)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "CPU, memory, network and block I/O of an agent's container (sampled every corral.stats.interval)")
    public Map<String, Object> metrics(@PathParam("id") String id) {
        SpecObject agent = find(id);
        List<ContainerUsage> usage = stats.of(agent.key());
        return SeedMetrics.of(SeedNames.seedName(agent), usage.isEmpty() ? null : usage.get(0), stats.interval());
    }

    @GET
    @Path("containers/{id}/logs")
    @RolesAllowed(Role.R)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "An agent's log so far, as JSON", description = "?tail=N, ?since=5m or RFC 3339, ?timestamps=true, "
            + "?previous=true. To follow it: WS /api/containers/{id}/logs/stream.")
    public CompletionStage<Map<String, Object>> logs(@PathParam("id") String id, @Context HttpServerRequest request) {
        SpecObject agent = find(id);
        return logs.read(agent.key(), request).thenApply(lines -> SeedLogs.reply(SeedNames.seedName(agent), agent, lines));
    }

    /** The Agent {@code id} names: the name it was deployed with, its own name, or (a prefix of) its container id. */
    SpecObject find(String id) {
        return SeedLookup.find(store, Kind.Agent, null, id)
                .orElseThrow(() -> ApiException.notFound("no agent container " + id));
    }

    private CompletionStage<Response> setState(SpecObject agent, String state, HttpServerRequest request) {
        ObjectNode spec = agent.spec().deepCopy();
        spec.put("state", state);
        SeedWaits.Waiting waiting = waits.begin(request, "changing an agent's state");
        return waitFor(waiting, waiting.declaring(() -> declarations.redeclare(agent, spec)), 200);
    }

    /** Answers with the container once the Agent runs, has stopped or failed, or after {@link #WAIT}; without a thread. */
    private static CompletionStage<Response> waitFor(SeedWaits.Waiting waiting, SpecObject agent, int status) {
        boolean stopping = "Stopped".equals(agent.spec().path("state").asText());
        return waiting.until(agent, o -> SeedWaits.settled(o, stopping), WAIT)
                .thenApply(o -> Response.status(status).entity(LaisContainer.of(o)).build());
    }
}
