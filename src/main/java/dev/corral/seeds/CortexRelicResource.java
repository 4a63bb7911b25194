package dev.corral.seeds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.api.ApiException;
import dev.corral.auth.Role;
import dev.corral.spec.Json;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Cortex-Prime's relics ({@code /containers/relic/*}, seed 000): a relic is a Relic spec in the
 * client's session (declared on first use, its network private unless
 * {@code create_private_network} is false), its health check an HTTP probe, and
 * {@code resource_limits.timeout_seconds} its {@code lifetimeSeconds}: when that runs out the
 * relic is stopped and reported {@code exited} with the time in {@code message}.
 */
@Path("/containers/relic")
@Tag(name = "Cortex-Prime (seed 000)")
public class CortexRelicResource {

    /** The seed's defaults for relics: 1 GiB, one CPU, ten minutes; its relics serve on port 8000. */
    static final int DEFAULT_MEMORY_MB = 1024;
    static final double DEFAULT_CPUS = 1.0;
    static final int DEFAULT_LIFETIME_SECONDS = 600;
    static final int DEFAULT_PORT = 8000;
    static final int DEFAULT_HEALTH_TIMEOUT_SECONDS = 30;
    /** How often a relic's health endpoint is probed: often enough that a start answers soon after it is healthy. */
    static final int PROBE_PERIOD_SECONDS = 2;
    private static final int GRACE_SECONDS = 30;

    @Inject
    Declarations declarations;
    @Inject
    SpecStore store;
    @Inject
    SeedWaits waits;

    @POST
    @Path("start")
    @Blocking
    @RolesAllowed(Role.W)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start a relic in a session (created on first use); answers once it is healthy, or when its "
            + "health check timeout passed (healthy: false)",
            description = "{\"relic_name\", \"session_id\", \"image\", \"resource_limits\": {\"memory_mb\", \"cpu_limit\", "
                    + "\"timeout_seconds\"}, \"create_private_network\", \"health_check_endpoint\", "
                    + "\"health_check_timeout_seconds\", \"port\" (8000), \"env\"}")
    public CompletionStage<Map<String, Object>> start(JsonNode json, @Context HttpServerRequest request) {
        SeedBody body = SeedBody.of(json, "{\"relic_name\", \"session_id\", \"image\", \"resource_limits\", ...}");
        String relicName = body.name("relic_name");
        String seedSession = body.name("session_id");
        String image = body.text("image", true);
        int memory = SeedBody.or(body.integer("resource_limits.memory_mb", 6, 65536), DEFAULT_MEMORY_MB);
        double cpus = SeedBody.or(body.number("resource_limits.cpu_limit", 0.01, 64), DEFAULT_CPUS);
        int lifetime = SeedBody.or(body.integer("resource_limits.timeout_seconds", 1, 365 * 24 * 3600), DEFAULT_LIFETIME_SECONDS);
        boolean privateNetwork = SeedBody.or(body.bool("create_private_network"), true);
        String healthPath = body.text("health_check_endpoint", false);
        int healthTimeout = SeedBody.or(body.integer("health_check_timeout_seconds", 1, 3600), DEFAULT_HEALTH_TIMEOUT_SECONDS);
        int port = SeedBody.or(body.integer("port", 1, 65535), DEFAULT_PORT);
        if (healthPath != null && !healthPath.startsWith("/")) {
            throw ApiException.badRequest("health_check_endpoint: must be a path starting with /");
        }

        ObjectNode spec = Json.MAPPER.createObjectNode();
        spec.put("image", image);
        spec.put("port", port);
        ObjectNode env = body.strings("env");
        if (env != null) {
            spec.set("env", env);
        }
        spec.putObject("resources").put("memoryMb", memory).put("cpus", cpus);
        spec.put("lifetimeSeconds", lifetime);
        if (healthPath != null) {
            ObjectNode health = spec.putObject("health");
            health.putObject("http").put("path", healthPath).put("port", port);
            health.put("periodSeconds", PROBE_PERIOD_SECONDS);
            health.put("startupTimeoutSeconds", healthTimeout);
        }
        Map<String, String> annotations = new HashMap<>(SeedNames.annotations(relicName));
        annotations.put(SeedNames.SESSION_ANNOTATION, seedSession);
        SeedWaits.Waiting waiting = waits.begin(request, "starting a relic");
        SpecObject relic = waiting.declaring(() -> {
            String session = declarations.ensureSession(seedSession, "cortex", privateNetwork);
            return declarations.declare(List.of(Declarations.document(Kind.Relic, SeedNames.toObjectName(relicName),
                    session, Map.of(Declarations.SURFACE_LABEL, "cortex"), annotations, spec))).get(0);
        });
        return waitFor(waiting, relic, Duration.ofSeconds(healthTimeout + GRACE_SECONDS), false);
    }

    @GET
    @RolesAllowed(Role.R)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Relics, all or of one session (?session_id=)")
    public Map<String, Object> list(@QueryParam("session_id") String seedSession) {
        String session = seedSession == null || seedSession.isEmpty() ? null : SeedNames.toObjectName(seedSession);
        List<Map<String, Object>> relics = store.list(Query.ofKind(Kind.Relic)).stream()
                .filter(o -> session == null || session.equals(o.metadata().session()))
                .sorted(Comparator.comparing((SpecObject o) -> o.metadata().session()).thenComparing(o -> o.metadata().name()))
                .map(this::reply).toList();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("relics", relics);
        m.put("total", relics.size());
        return m;
    }

    @GET
    @Path("{id}")
    @RolesAllowed(Role.R)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "One relic: by its relic_id, its name (when one session has it) or its container id")
    public Map<String, Object> get(@PathParam("id") String id) {
        return reply(find(id));
    }

    @POST
    @Path("{id}/stop")
    @Blocking
    @RolesAllowed(Role.W)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Stop a relic (state: Stopped: its container is stopped and kept); answers once it has stopped")
    public CompletionStage<Map<String, Object>> stop(@PathParam("id") String id, @Context HttpServerRequest request) {
        SpecObject relic = find(id);
        ObjectNode spec = relic.spec().deepCopy();
        spec.put("state", "Stopped");
        SeedWaits.Waiting waiting = waits.begin(request, "stopping a relic");
        return waitFor(waiting, waiting.declaring(() -> declarations.redeclare(relic, spec)), Duration.ofSeconds(60), true);
    }

    @DELETE
    @Path("{id}")
    @RolesAllowed(Role.W)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Delete a relic (its spec; the loop removes its container)")
    public Map<String, Object> delete(@PathParam("id") String id) {
        SpecObject relic = find(id);
        declarations.delete(relic.key());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("relic_id", CortexRelic.id(relic));
        m.put("status", "deleted");
        return m;
    }

    SpecObject find(String id) {
        Optional<SpecObject> byId = id.startsWith("relic_")
                ? store.list(Query.ofKind(Kind.Relic)).stream().filter(o -> CortexRelic.id(o).equals(id)).findFirst()
                : Optional.empty();
        return byId.or(() -> SeedLookup.find(store, Kind.Relic, null, id))
                .orElseThrow(() -> ApiException.notFound("no relic " + id));
    }

    private Map<String, Object> reply(SpecObject relic) {
        return CortexRelic.of(relic, store.get(new ObjectKey(Kind.Session, null, relic.metadata().session())).orElse(null));
    }

    /** Answers once the relic is healthy (or has stopped, when stopping), has failed, or after {@code timeout}. */
    private CompletionStage<Map<String, Object>> waitFor(SeedWaits.Waiting waiting, SpecObject relic, Duration timeout,
                                                         boolean stopping) {
        return waiting.until(relic, o -> SeedWaits.settled(o, stopping), timeout).thenApply(this::reply);
    }
}
