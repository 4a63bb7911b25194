package dev.corral.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.config.CorralConfig;
import dev.corral.reconcile.ContainerSpecs;
import dev.corral.reconcile.ResourceNames;
import dev.corral.runtime.ContainerRequest;
import dev.corral.runtime.Labels;
import dev.corral.spec.Json;
import dev.corral.spec.SpecObject;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Turns a ToolRun (and its Tool) into the locked-down container that executes it. Pure. */
public final class RunContainers {

    /** The runner images' user; tool images get {@code nobody}, since most have no user of their own. */
    static final int RUNNER_UID = 1000;
    static final int NOBODY = 65534;

    private RunContainers() {
    }

    /**
     * Everything needed to start a run.
     *
     * @param files    workspace files to copy in before start
     * @param timeout  seconds, enforced by Corral
     * @param ttl      seconds the finished run's record is kept
     */
    public record RunPlan(ContainerRequest request, Map<String, byte[]> files, int uid, long timeout, long ttl,
                          String pullPolicy) {
    }

    /**
     * @param tool the Tool a tool run names (null for language runs)
     * @throws IllegalArgumentException with a message for status when the run cannot be built
     */
    public static RunPlan plan(SpecObject run, SpecObject tool, CorralConfig.Runs cfg) {
        ObjectNode spec = run.spec();
        String session = run.metadata().session();
        Map<String, String> env = new TreeMap<>();
        Map<String, byte[]> files = new LinkedHashMap<>();
        String image;
        List<String> cmd;
        int uid;
        long memoryMb = 256;
        double cpus = 1.0;
        long pids = 128;
        long timeout;
        long ttl;
        String network = null;
        String pullPolicy = "IfNotPresent";
        JsonNode parameters = spec.has("parameters") ? spec.get("parameters") : Json.MAPPER.createObjectNode();

        if (spec.has("language")) {
            String language = spec.get("language").asText();
            String ext = switch (language) {
                case "bash" -> "sh";
                case "python" -> "py";
                default -> "js";
            };
            image = switch (language) {
                case "bash" -> cfg.bashImage();
                case "python" -> cfg.pythonImage();
                default -> cfg.nodeImage();
            };
            String interpreter = switch (language) {
                case "bash" -> "bash";
                case "python" -> "python3";
                default -> "node";
            };
            cmd = List.of(interpreter, "/workspace/scripts/main." + ext);
            files.put("scripts/main." + ext, spec.get("code").asText().getBytes(StandardCharsets.UTF_8));
            uid = RUNNER_UID;
            timeout = spec.path("timeoutSeconds").asLong(cfg.defaultTimeoutSeconds());
            ttl = spec.path("ttlSecondsAfterFinished").asLong(3600);
        } else {
            if (tool == null) {
                throw new IllegalArgumentException("Tool \"" + spec.path("tool").asText() + "\" does not exist");
            }
            ObjectNode t = tool.spec();
            image = t.get("image").asText();
            cmd = Json.strings(t.get("command"));
            t.path("env").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
            JsonNode res = t.path("resources");
            memoryMb = res.path("memoryMb").asLong(memoryMb);
            cpus = res.path("cpus").asDouble(cpus);
            pids = res.path("pids").asLong(pids);
            timeout = spec.path("timeoutSeconds").asLong(t.path("timeoutSeconds").asLong(60));
            ttl = spec.path("ttlSecondsAfterFinished").asLong(t.path("ttlSecondsAfterFinished").asLong(3600));
            pullPolicy = t.path("imagePullPolicy").asText("IfNotPresent");
            if ("session".equals(t.path("network").asText("none"))) {
                if (session == null) {
                    throw new IllegalArgumentException("Tool \"" + tool.metadata().name()
                            + "\" uses network: session, and this run has no session");
                }
                network = ResourceNames.network(session);
            }
            uid = NOBODY;
            parameters.fields().forEachRemaining(p -> env.put(paramEnv(p.getKey()),
                    p.getValue().isTextual() ? p.getValue().asText() : p.getValue().toString()));
        }
        files.put("data/input.json", json(parameters));
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("run", run.metadata().name());
        if (session != null) {
            event.put("session", session);
        }
        event.put("tool", spec.path("tool").asText(null));
        event.put("language", spec.path("language").asText(null));
        event.put("uid", run.metadata().uid());
        event.put("createdAt", String.valueOf(run.metadata().createdAt()));
        files.put("data/event.json", json(event));

        Map<String, String> labels = ContainerSpecs.ownerLabels(run);
        labels.put(Labels.SPEC_HASH, "run");
        ContainerRequest.Hardening hardening = new ContainerRequest.Hardening(uid + ":" + uid, true, List.of("/tmp"),
                true, true, true, "/workspace", "/workspace");
        ContainerRequest request = new ContainerRequest(ResourceNames.container(run.key()), image, null, cmd, env, labels,
                memoryMb * 1024 * 1024, Math.round(cpus * 1e9), pids, network, List.of(), List.of(), hardening);
        return new RunPlan(request, files, uid, timeout, ttl, pullPolicy);
    }

    /** {@code max-retries} becomes {@code CORRAL_PARAM_MAX_RETRIES}. */
    static String paramEnv(String name) {
        return "CORRAL_PARAM_" + name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_");
    }

    private static byte[] json(JsonNode n) {
        try {
            return Json.MAPPER.writeValueAsBytes(n);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
