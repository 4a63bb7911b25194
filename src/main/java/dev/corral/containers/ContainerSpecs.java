package dev.corral.containers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.ownership.Ownership;
import dev.corral.ownership.SpecHash;
import dev.corral.ownership.ResourceNames;
import dev.corral.runtime.ContainerRequest;
import dev.corral.runtime.Labels;
import dev.corral.spec.Json;
import dev.corral.spec.Kind;
import dev.corral.spec.SpecObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Turns a Relic or Agent spec into the container it wants. Pure. */
public final class ContainerSpecs {

    /** Where an Agent's code is mounted, read-only. */
    public static final String AGENT_CODE_PATH = "/app/agent";

    /** The network agents join: the engine's default bridge. */
    public static final String AGENT_NETWORK = "bridge";

    /**
     * Fields that change behaviour without needing a new container: they are left out of the
     * spec-hash, so editing them never re-creates (compose leaves out its scale the same way).
     */
    private static final List<String> NOT_HASHED = List.of("health", "restartPolicy", "state", "imagePullPolicy");

    private ContainerSpecs() {
    }

    public static DesiredContainer desired(SpecObject o) {
        ObjectNode spec = o.spec();
        boolean agent = o.kind() == Kind.Agent;
        String name = ResourceNames.container(o.key());
        String session = o.metadata().session();
        // Agents talk to the outside world (model APIs), so they join the engine's default bridge;
        // relics live on their session's private network.
        String network = agent ? AGENT_NETWORK : ResourceNames.network(session);
        String hash = hash(spec);

        Map<String, String> labels = Ownership.of(o);
        labels.put(Labels.SPEC_HASH, hash);

        Map<String, String> env = new TreeMap<>();
        spec.path("env").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));

        JsonNode res = spec.path("resources");
        long memory = res.path("memoryMb").asLong(256) * 1024 * 1024;
        long nanoCpus = Math.round(res.path("cpus").asDouble(0.5) * 1e9);
        long pids = res.path("pids").asLong(256);

        List<ContainerRequest.Mount> mounts = new ArrayList<>();
        Map<String, Map<String, String>> volumes = new LinkedHashMap<>();
        for (JsonNode v : spec.path("volumes")) {
            String volume = agent ? ResourceNames.agentVolume(o.metadata().name(), v.get("name").asText())
                    : ResourceNames.volume(session, v.get("name").asText());
            mounts.add(new ContainerRequest.Mount(volume, v.get("mountPath").asText(), v.path("readOnly").asBoolean(false), false));
            volumes.put(volume, Ownership.volume(o.key(), v.get("name").asText()));
        }
        if (agent && spec.hasNonNull("code")) {
            mounts.add(new ContainerRequest.Mount(spec.get("code").asText(), AGENT_CODE_PATH, true, true));
        }

        List<String> aliases = agent ? List.of() : List.of(o.metadata().name());
        ContainerRequest request = new ContainerRequest(name, spec.get("image").asText(),
                Json.strings(spec.get("command")), Json.strings(spec.get("args")), env, labels, memory, nanoCpus, pids,
                network, aliases, mounts);
        String url = !agent && spec.has("port") ? "http://" + o.metadata().name() + ":" + spec.get("port").asInt() : null;
        boolean running = !agent || !"Stopped".equals(spec.path("state").asText("Running"));
        return new DesiredContainer(o.key(), o.metadata().uid(), o.metadata().generation() == null ? 0 : o.metadata().generation(),
                name, hash, request, running, spec.path("restartPolicy").asText("Always"),
                spec.path("imagePullPolicy").asText("IfNotPresent"), spec.get("health"), volumes, network, url);
    }

    /** {@link SpecHash} of the spec minus {@link #NOT_HASHED}. */
    static String hash(ObjectNode spec) {
        ObjectNode copy = spec.deepCopy();
        NOT_HASHED.forEach(copy::remove);
        return SpecHash.of(copy);
    }
}
