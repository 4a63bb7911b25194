package dev.corral.containers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.confinement.Confinements;
import dev.corral.ownership.Ownership;
import dev.corral.ownership.SpecHash;
import dev.corral.ownership.ResourceNames;
import dev.corral.runtime.ContainerRequest;
import dev.corral.runtime.Labels;
import dev.corral.spec.Json;
import dev.corral.spec.Kind;
import dev.corral.spec.SpecObject;
import dev.corral.spec.model.AgentSpec;
import dev.corral.spec.model.Isolation;
import dev.corral.spec.model.LogLimits;
import dev.corral.spec.model.RelicSpec;
import dev.corral.spec.model.Resources;
import dev.corral.spec.model.SecurityProfiles;
import dev.corral.spec.model.VolumeSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Turns a validated Relic or Agent spec into the container it wants. Pure. */
public final class ContainerSpecs {

    /** Where an Agent's code is mounted, read-only. */
    public static final String AGENT_CODE_PATH = "/app/agent";

    /** The network agents join: the engine's default bridge. */
    public static final String AGENT_NETWORK = "bridge";

    /**
     * Fields that change behaviour without needing a new container: they are left out of the
     * spec-hash, so editing them never re-creates (compose leaves out its scale the same way); {@code placement}
     * means nothing on one engine (on Swarm the service's own hash covers it).
     */
    private static final List<String> NOT_HASHED = List.of("health", "restartPolicy", "maxRestarts", "state", "imagePullPolicy",
            "lifetimeSeconds", "placement");

    private ContainerSpecs() {
    }

    public static DesiredContainer desired(SpecObject o) {
        boolean agent = o.kind() == Kind.Agent;
        AgentSpec agentSpec = agent ? AgentSpec.of(o.spec()) : null;
        RelicSpec spec = agent ? agentSpec.container() : RelicSpec.of(o.spec());
        String name = ResourceNames.container(o.key());
        String session = o.metadata().session();
        // Agents talk to the outside world (model APIs), so they join the engine's default bridge;
        // relics live on their session's private network.
        String network = agent ? AGENT_NETWORK : ResourceNames.network(session);
        Map<String, String> own = new TreeMap<>();
        o.metadata().labels().forEach((k, v) -> own.put(Labels.USER_PREFIX + k, v));
        // From the stored JSON, not the typed spec: the value must stay what it was, or every relic is re-created.
        String hash = hash(o.spec());

        Map<String, String> labels = Ownership.of(o);
        labels.putAll(own);
        labels.put(Labels.SPEC_HASH, hash);
        labels.put(Labels.LABELS_HASH, SpecHash.of(own));

        List<ContainerRequest.Mount> mounts = new ArrayList<>();
        Map<String, Map<String, String>> volumes = new LinkedHashMap<>();
        for (VolumeSpec v : spec.volumes()) {
            String volume = agent ? ResourceNames.agentVolume(o.metadata().name(), v.name())
                    : ResourceNames.volume(session, v.name());
            mounts.add(new ContainerRequest.Mount(volume, v.mountPath(), v.readOnly(), false));
            volumes.put(volume, Ownership.volume(o.key(), v.name()));
        }
        if (agent && agentSpec.code() != null) {
            mounts.add(new ContainerRequest.Mount(agentSpec.code(), AGENT_CODE_PATH, true, true));
        }

        List<String> aliases = agent ? List.of() : List.of(o.metadata().name());
        Resources res = spec.resources();
        ContainerRequest request = new ContainerRequest(name, spec.image(), spec.command(), spec.args(),
                new TreeMap<>(spec.env()), labels, res.memoryBytes(), res.nanoCpus(), res.pids(), network, aliases,
                mounts, Confinements.container(spec.isolation()),
                Confinements.confinement(spec.isolation(), res, spec.logs(), spec.security()));
        String url = !agent && spec.port() != null ? "http://" + o.metadata().name() + ":" + spec.port() : null;
        return new DesiredContainer(o.key(), o.metadata().uid(), o.metadata().generation() == null ? 0 : o.metadata().generation(),
                name, hash, request, spec.state(), spec.restartPolicy(), spec.imagePullPolicy(), spec.health(), volumes,
                network, url, spec.expiresAt(o.metadata().createdAt()), spec.maxRestarts());
    }

    /**
     * Fields added after specs were first stored, hashed only when they differ from their default: a spec
     * stored before one existed, and the same spec applied again with it defaulted, keep their hash, so
     * an upgrade of Corral re-creates nothing.
     */
    private static final Map<String, com.fasterxml.jackson.databind.JsonNode> HASHED_UNLESS_DEFAULT = Map.of(
            "isolation", Json.MAPPER.valueToTree(Isolation.CONTAINER_DEFAULT.name()),
            "logs", Json.MAPPER.valueToTree(LogLimits.DEFAULT),
            "security", Json.MAPPER.valueToTree(Map.of("seccomp", SecurityProfiles.DEFAULT,
                    "apparmor", SecurityProfiles.DEFAULT)));

    /** {@link SpecHash} of the spec minus {@link #NOT_HASHED} (and fields added later, at their defaults). */
    static String hash(ObjectNode spec) {
        ObjectNode copy = spec.deepCopy();
        NOT_HASHED.forEach(copy::remove);
        HASHED_UNLESS_DEFAULT.forEach((field, byDefault) -> {
            if (byDefault.equals(copy.get(field))) {
                copy.remove(field);
            }
        });
        return SpecHash.of(copy);
    }
}
