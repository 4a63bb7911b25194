package dev.corral.seeds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.api.ApiException;
import dev.corral.api.ObjectLogs;
import dev.corral.api.RunsResource;
import dev.corral.auth.Role;
import dev.corral.ownership.SpecHash;
import dev.corral.spec.Json;
import dev.corral.spec.Kind;
import dev.corral.spec.SpecObject;
import dev.corral.spec.model.RunPhase;
import dev.corral.store.SpecStore;
import io.smallrye.common.annotation.Blocking;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Cortex-Prime's tool execution ({@code /containers/tool/*}, seed 000). A request declares the
 * session (on first use), a Tool for the image and limits it names, and a ToolRun of it with the
 * parameters (which land as {@code CORRAL_PARAM_<NAME>} variables and in
 * {@code /workspace/data/input.json}), then answers when the run has finished, as the seed waits.
 * The Tool's name is the tool name plus a hash of its image and limits, so two sessions that use
 * one {@code tool_name} with different images each get their own.
 */
@Path("/containers/tool")
@Tag(name = "Cortex-Prime (seed 000)")
public class CortexToolResource {

    /** The seed's defaults for tools: 512 MiB, one CPU, five minutes. */
    static final int DEFAULT_MEMORY_MB = 512;
    static final double DEFAULT_CPUS = 1.0;
    static final int DEFAULT_TIMEOUT_SECONDS = 300;
    static final int MAX_TIMEOUT_SECONDS = 24 * 3600;
    /** How long past the run's own timeout the answer may take (a queued run waits for a slot first). */
    private static final int GRACE_SECONDS = 60;

    @Inject
    Declarations declarations;
    @Inject
    RunsResource runs;
    @Inject
    SpecStore store;
    @Inject
    SeedWaits waits;
    @Inject
    ObjectLogs logs;

    @POST
    @Path("execute")
    @Blocking
    @RolesAllowed(Role.X)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Run a tool's image with parameters and limits; answers with its output, result and usage",
            description = "{\"tool_name\", \"session_id\", \"parameters\", \"image\", \"resource_limits\": {\"memory_mb\", "
                    + "\"cpu_limit\", \"timeout_seconds\"}, \"cleanup\"}")
    public CompletionStage<Response> execute(JsonNode json, @Context HttpServerRequest request) {
        SeedBody body = SeedBody.of(json, "{\"tool_name\", \"session_id\", \"parameters\", \"image\", \"resource_limits\", \"cleanup\"}");
        String toolName = body.name("tool_name");
        String image = body.text("image", true);
        String seedSession = json.hasNonNull("session_id") ? body.name("session_id") : null;
        ObjectNode parameters = body.object("parameters");
        int memory = SeedBody.or(body.integer("resource_limits.memory_mb", 6, 65536), DEFAULT_MEMORY_MB);
        double cpus = SeedBody.or(body.number("resource_limits.cpu_limit", 0.01, 64), DEFAULT_CPUS);
        int timeout = SeedBody.or(body.integer("resource_limits.timeout_seconds", 1, MAX_TIMEOUT_SECONDS), DEFAULT_TIMEOUT_SECONDS);
        boolean cleanup = SeedBody.or(body.bool("cleanup"), true);

        ObjectNode toolSpec = Json.MAPPER.createObjectNode();
        toolSpec.put("image", image);
        toolSpec.putObject("resources").put("memoryMb", memory).put("cpus", cpus);
        toolSpec.put("timeoutSeconds", timeout);
        String tool = toolObjectName(toolName, toolSpec);
        declarations.declare(List.of(Declarations.document(Kind.Tool, tool, null, Map.of(Declarations.SURFACE_LABEL, "cortex"),
                Map.of(SeedNames.ANNOTATION, toolName), toolSpec)));
        String session = seedSession == null ? null : declarations.ensureSession(seedSession, "cortex", true);

        ObjectNode runSpec = Json.MAPPER.createObjectNode();
        runSpec.put("tool", tool);
        if (parameters != null) {
            runSpec.set("parameters", parameters);
        }
        runSpec.put("timeoutSeconds", timeout);
        if (!cleanup) {
            runSpec.put("keepContainer", true);
        }
        Map<String, String> runAnnotations = new HashMap<>(Map.of(CortexExecution.TOOL_ANNOTATION, toolName));
        if (seedSession != null) {
            runAnnotations.put(SeedNames.SESSION_ANNOTATION, seedSession);
        }
        String id = "exec-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        SeedWaits.Waiting waiting = waits.begin(request, "executing a tool");
        SpecObject run = waiting.declaring(() -> runs.start(Declarations.document(Kind.ToolRun, id, session,
                Map.of(Declarations.SURFACE_LABEL, "cortex"), runAnnotations, runSpec)));
        return waiting.until(run, o -> RunPhase.finishedIn(o.status()), Duration.ofSeconds(timeout + GRACE_SECONDS))
                .thenApply(o -> Response.ok(CortexExecution.of(o)).build());
    }

    @GET
    @Path("{id}")
    @RolesAllowed(Role.R)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "An execution: its status, output, result and usage")
    public Map<String, Object> get(@PathParam("id") String id) {
        return CortexExecution.of(find(id));
    }

    @GET
    @Path("{id}/logs")
    @RolesAllowed(Role.R)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "An execution's output as JSON: as captured once it has finished, its container's log while it runs")
    public CompletionStage<Map<String, Object>> logs(@PathParam("id") String id, @Context HttpServerRequest request) {
        SpecObject run = find(id);
        if (RunPhase.finishedIn(run.status()) || run.status() == null || !run.status().hasNonNull("containerId")) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("execution_id", run.metadata().name());
            m.put("status", CortexExecution.status(RunPhase.ofStatus(run.status())));
            m.put("stdout", run.status() == null ? "" : run.status().path("stdout").asText(""));
            m.put("stderr", run.status() == null ? "" : run.status().path("stderr").asText(""));
            m.put("logs", String.join("\n", List.of((String) m.get("stdout"), (String) m.get("stderr"))).strip());
            return CompletableFuture.completedFuture(m);
        }
        return logs.read(run.key(), request).thenApply(lines -> {
            Map<String, Object> m = SeedLogs.reply(run.metadata().name(), run, lines);
            m.remove("id");
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("execution_id", run.metadata().name());
            out.put("status", CortexExecution.status(RunPhase.ofStatus(run.status())));
            out.putAll(m);
            return out;
        });
    }

    @POST
    @Path("{id}/cancel")
    @RolesAllowed(Role.X)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Cancel an execution: it is killed and ends cancelled (409 once it has finished)")
    public Response cancel(@PathParam("id") String id) {
        return Response.accepted(CortexExecution.of(runs.requestCancel(find(id)))).build();
    }

    /** The run an execution id names (unique across sessions: Corral makes them), or its container id. */
    private SpecObject find(String id) {
        return SeedLookup.find(store, Kind.ToolRun, null, id)
                .orElseThrow(() -> ApiException.notFound("no tool execution " + id));
    }

    /** The Tool for a tool name, image and limits: the seed's name mapped, and a hash of what it runs. */
    static String toolObjectName(String toolName, ObjectNode toolSpec) {
        String base = SeedNames.toObjectName(toolName);
        String hash = SpecHash.of(toolSpec).substring(0, 8);
        int room = 63 - hash.length() - 1;
        return (base.length() > room ? base.substring(0, room).replaceAll("-+$", "") : base) + "-" + hash;
    }
}
