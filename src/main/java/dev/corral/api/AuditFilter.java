package dev.corral.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.audit.AuditLog;
import dev.corral.auth.BearerTokenMechanism;
import dev.corral.spec.Json;
import dev.corral.spec.SpecObject;
import dev.corral.store.Change;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import java.security.Principal;
import java.time.Instant;
import java.util.Set;

/**
 * Writes an audit line for every request that changes something — apply, delete, run, cancel,
 * execute — whatever its outcome: time, the token's name (or {@code anonymous}), the remote
 * address, method, path (without the query, which a client could misuse for secrets), the
 * objects and what happened to each, and the status. Never a token, never a body.
 */
public class AuditFilter {

    private static final Set<String> CHANGING = Set.of("PUT", "POST", "DELETE", "PATCH");

    @Inject
    AuditLog audit;

    @ServerResponseFilter
    public void record(ContainerRequestContext request, ContainerResponseContext response, HttpServerRequest http) {
        if (!CHANGING.contains(request.getMethod())) {
            return;
        }
        ObjectNode e = Json.MAPPER.createObjectNode();
        e.put("time", Instant.now().toString());
        Principal p = request.getSecurityContext() == null ? null : request.getSecurityContext().getUserPrincipal();
        e.put("user", p == null ? BearerTokenMechanism.ANONYMOUS : p.getName());
        e.put("remote", http.remoteAddress() == null ? null : http.remoteAddress().hostAddress());
        e.put("method", request.getMethod());
        e.put("path", request.getUriInfo().getPath());
        String dryRun = request.getUriInfo().getQueryParameters().getFirst("dryRun");
        if (dryRun != null) {
            e.put("dryRun", dryRun);
        }
        e.put("status", response.getStatus());
        ArrayNode objects = objects(response.getEntity(), request.getUriInfo().getPath().endsWith("/cancel"));
        if (!objects.isEmpty()) {
            e.set("objects", objects);
        }
        audit.write(e);
    }

    private static ArrayNode objects(Object entity, boolean cancel) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        if (entity instanceof ApplyReply r) {
            for (Change c : r.items()) {
                add(out, c.kind(), c.session(), c.name(), c.action().name());
            }
        } else if (entity instanceof DeleteReply d) {
            d.deleted().forEach(x -> add(out, x.kind(), x.session(), x.name(), "deleted"));
        } else if (entity instanceof SpecObject o) {
            add(out, o.kind().name(), o.metadata().session(), o.metadata().name(), cancel ? "cancelled" : "created");
        } else if (entity instanceof JsonNode n && n.hasNonNull("run")) {
            add(out, "ToolRun", null, n.get("run").asText(), "created");
        }
        return out;
    }

    private static void add(ArrayNode out, String kind, String session, String name, String action) {
        ObjectNode o = out.addObject();
        o.put("kind", kind);
        if (session != null) {
            o.put("session", session);
        }
        o.put("name", name);
        o.put("action", action);
    }
}
