package dev.corral.seeds;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.api.ApiException;
import dev.corral.auth.Role;
import dev.corral.loop.Controller;
import dev.corral.ownership.Ownership;
import dev.corral.ownership.ResourceNames;
import dev.corral.runtime.ObservedNetwork;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.spec.model.RunPhase;
import dev.corral.store.Query;
import dev.corral.store.SpecStore;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Cortex-Prime's cleanup ({@code /containers/cleanup/*}). A session's cleanup deletes the Session,
 * and with it everything in it (the loop stops and removes its containers, then its volumes and
 * network). Without {@code force}, a session with executions still running is refused (409), so a
 * cleanup never kills a run it was not told to. The networks' cleanup asks the loop for a resync,
 * which removes every network of Corral's whose session no longer exists, and answers once they
 * are gone.
 */
@Path("/containers/cleanup")
@Tag(name = "Cortex-Prime (seed 000)")
@RolesAllowed(Role.W)
public class CortexCleanupResource {

    /** How long the networks' cleanup waits for the loop to remove the orphans it found. */
    static final Duration NETWORKS_WAIT = Duration.ofSeconds(20);
    private static final long POLL_MILLIS = 200;

    @Inject
    Declarations declarations;
    @Inject
    SpecStore store;
    @Inject
    Controller controller;

    @POST
    @Path("session")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Delete a session and everything in it", description = "{\"session_id\", \"force\"}: without force, "
            + "a session with executions still running is refused (409)")
    public Map<String, Object> session(JsonNode json) {
        SeedBody body = SeedBody.of(json, "{\"session_id\", \"force\"}");
        String seedSession = body.name("session_id");
        boolean force = SeedBody.or(body.bool("force"), false);
        String session = SeedNames.toObjectName(seedSession);
        if (store.get(new ObjectKey(Kind.Session, null, session)).isEmpty()) {
            throw ApiException.notFound("no session " + seedSession);
        }
        List<SpecObject> inside = store.list(new Query(null, session, null, null));
        List<String> running = inside.stream().filter(o -> o.kind() == Kind.ToolRun && !RunPhase.finishedIn(o.status()))
                .map(o -> o.metadata().name()).toList();
        if (!force && !running.isEmpty()) {
            throw new ApiException(409, "session " + seedSession + " has executions still running (" + String.join(", ", running)
                    + "); cancel them, or send \"force\": true to end them with the session");
        }
        declarations.delete(new ObjectKey(Kind.Session, null, session));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("session_id", seedSession);
        m.put("status", "cleaned");
        m.put("relics_removed", inside.stream().filter(o -> o.kind() == Kind.Relic).count());
        m.put("executions_removed", inside.stream().filter(o -> o.kind() == Kind.ToolRun).count());
        m.put("executions_cancelled", running.size());
        return m;
    }

    @POST
    @Path("all-networks")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Remove Corral's networks that no session wants (the loop's garbage collection, now)")
    public CompletionStage<Map<String, Object>> allNetworks() {
        if (!controller.enabled()) {
            throw new ApiException(409, "the reconcile loop is off (corral.reconcile.enabled=false): Corral does not touch the engine");
        }
        controller.resync();
        List<String> orphans = orphans();
        CompletableFuture<List<String>> gone = new CompletableFuture<>();
        long deadline = System.nanoTime() + NETWORKS_WAIT.toNanos();
        poll(orphans, deadline, gone);
        return gone.thenApply(left -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("networks_removed", orphans.stream().filter(n -> !left.contains(n)).toList());
            m.put("networks_left", left);
            m.put("count", orphans.size() - left.size());
            return m;
        });
    }

    /** Looks again every {@link #POLL_MILLIS} ms, on a timer, without a thread of its own, until they are gone or time is up. */
    private void poll(List<String> orphans, long deadline, CompletableFuture<List<String>> gone) {
        List<String> left = orphans.stream().filter(n -> controller.observedNetworks().stream()
                .anyMatch(o -> o.name().equals(n))).toList();
        if (left.isEmpty() || System.nanoTime() > deadline) {
            gone.complete(left);
            return;
        }
        CompletableFuture.delayedExecutor(POLL_MILLIS, TimeUnit.MILLISECONDS).execute(() -> poll(orphans, deadline, gone));
    }

    /** Corral's session networks (by their labels and their name, as the loop finds them) whose session is not in the store. */
    private List<String> orphans() {
        return controller.observedNetworks().stream().filter(n -> {
            ObjectKey owner = Ownership.ownerOf(n.labels());
            return owner != null && ResourceNames.sessionOfNetwork(n.name()).filter(owner::equals).isPresent()
                    && store.get(owner).isEmpty();
        }).map(ObservedNetwork::name).sorted().toList();
    }
}
