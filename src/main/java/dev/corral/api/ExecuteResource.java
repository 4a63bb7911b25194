package dev.corral.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.spec.Json;
import dev.corral.spec.SpecObject;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.time.Duration;
import java.util.List;

/**
 * CodeRunner's {@code POST /execute}, kept working as a thin adapter: its body becomes a
 * language ToolRun, and the answer is that run's result.
 */
@Path("/execute")
public class ExecuteResource {

    @Inject
    RunsResource runs;
    @Inject
    StatusWaiter waiter;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "CodeRunner compatible: run code and answer with its output",
            description = "Body {\"code\", \"language\" (bash, python, node), \"timeout\" (seconds)}")
    public Response execute(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("body must be {\"code\", \"language\", \"timeout\"}");
        }
        ObjectNode shortForm = Json.MAPPER.createObjectNode();
        shortForm.set("language", body.get("language"));
        shortForm.set("code", body.get("code"));
        if (body.has("timeout")) {
            shortForm.set("timeoutSeconds", body.get("timeout"));
        }
        SpecObject run = runs.start(RunsResource.toolRun(shortForm));
        if (run == null) {
            return runs.queueFull();
        }
        long timeout = body.path("timeout").asLong(60);
        StatusWaiter.Waited w = waiter.await(List.of(run.key()), Duration.ofSeconds(timeout + 60)).get(0);
        SpecObject done = w.object() == null ? run : w.object();
        ObjectNode s = done.status() == null ? Json.MAPPER.createObjectNode() : done.status();
        ObjectNode reply = Json.MAPPER.createObjectNode();
        reply.put("run", run.metadata().name());
        reply.put("status", s.path("phase").asText("Pending"));
        reply.put("stdout", s.path("stdout").asText(""));
        reply.put("stderr", s.path("stderr").asText(""));
        reply.set("exitCode", s.get("exitCode"));
        reply.set("durationMs", s.get("durationMs"));
        reply.put("timedOut", "TimedOut".equals(s.path("phase").asText()));
        reply.set("result", s.get("result"));
        return Response.ok(reply).build();
    }
}
