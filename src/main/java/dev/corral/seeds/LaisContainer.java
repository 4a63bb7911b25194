package dev.corral.seeds;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.spec.Json;
import dev.corral.spec.SpecObject;

import java.time.Instant;
import java.util.Map;

/**
 * An Agent as LAIS shows a deployed agent's container (snake_case, as LAIS's FastAPI answers). {@code id}
 * is what the client named it; {@code agent} is the Agent's name in Corral ({@code GET /specs/agent/{agent}}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LaisContainer(
        String id,
        String name,
        String agent,
        @JsonProperty("container_id") String containerId,
        @JsonProperty("container_name") String containerName,
        String image,
        @JsonProperty("code_path") String codePath,
        String status,
        String state,
        String phase,
        String message,
        Boolean healthy,
        Integer restarts,
        @JsonProperty("internal_url") String internalUrl,
        Map<String, String> env,
        @JsonProperty("created_at") Instant createdAt) {

    static LaisContainer of(SpecObject agent) {
        JsonNode spec = agent.spec();
        JsonNode status = agent.status();
        String seedName = SeedNames.seedName(agent);
        Map<String, String> env = spec.has("env")
                ? Json.MAPPER.convertValue(spec.get("env"), new TypeReference<>() { })
                : null;
        return new LaisContainer(seedName, seedName, agent.metadata().name(),
                text(status, "containerId"), text(status, "containerName"), spec.path("image").asText(null),
                spec.path("code").asText(null), ContainerState.of(agent), spec.path("state").asText("Running"),
                text(status, "phase"), text(status, "message"), ContainerState.healthy(agent),
                status == null || !status.has("restarts") ? null : status.get("restarts").asInt(),
                text(status, "internalUrl"), env, agent.metadata().createdAt());
    }

    static String text(JsonNode node, String field) {
        return node == null ? null : node.path(field).asText(null);
    }
}
