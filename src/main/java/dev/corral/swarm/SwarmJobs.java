package dev.corral.swarm;

import dev.corral.config.CorralConfig;
import dev.corral.runs.RunContainers;
import dev.corral.runs.Runner;
import dev.corral.runtime.ContainerRequest;
import dev.corral.runtime.ContainerRuntime;
import dev.corral.runtime.EngineException;
import dev.corral.runtime.Labels;
import dev.corral.runtime.NameConflictException;
import dev.corral.runtime.NetworkRequest;
import dev.corral.runtime.ObservedNode;
import dev.corral.runtime.ObservedService;
import dev.corral.runtime.ObservedTask;
import dev.corral.runs.RunStatusBuilder;
import dev.corral.runtime.ServiceRuntime;
import dev.corral.spec.SpecObject;
import dev.corral.spec.model.Placement;
import dev.corral.spec.model.ToolRunSpec;
import dev.corral.spec.model.ToolSpec;
import dev.corral.store.SpecStore;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Swarm side of a ToolRun's job: its service and, for a run without a network, a network of its own.
 * Swarm has no {@code none} network for services (Docker 20.10: "network none not found"), and a task
 * without networks is put on its node's gateway bridge, the outside world: a run that must reach nothing
 * gets an internal overlay network that only its own task joins. Everything is named after the run and
 * touched only when it carries this Corral's instance label. Also what a job is made from: the run's setup
 * and its Tool's placement.
 */
final class SwarmJobs {

    private static final Logger LOG = Logger.getLogger(SwarmJobs.class);

    private final ServiceRuntime swarm;
    private final ContainerRuntime manager;
    private final SpecStore store;
    private final CorralConfig.Runs config;
    private final String instance;

    SwarmJobs(ServiceRuntime swarm, ContainerRuntime manager, SpecStore store, CorralConfig.Runs config, String instance) {
        this.swarm = swarm;
        this.manager = manager;
        this.store = store;
        this.config = config;
        this.instance = instance;
    }

    /** The service of that name, if any (whoever's). */
    Optional<ObservedService> service(String name) {
        return swarm.inspectService(name);
    }

    boolean ours(ObservedService s) {
        return instance.equals(s.label(Labels.INSTANCE));
    }

    /**
     * Makes the job's service (and its own network when the run has none).
     *
     * @return the service's id
     * @throws NameConflictException when a service of that name exists
     */
    String make(String name, ContainerRequest run, List<String> constraints, Map<String, String> labels) {
        ContainerRequest container = run;
        if (run.network() == null) {
            try {
                manager.createNetwork(new NetworkRequest(name, true, null, labels));
            } catch (NameConflictException e) {
                // made by an earlier try
            } catch (EngineException e) {
                if (e.status() != 409) {
                    throw e;
                }
            }
            container = run.withNetwork(name, List.of());
        }
        return swarm.createService(ServiceSpecs.job(container, constraints));
    }

    /**
     * Removes the job's service when it is this Corral's; then its own network, if it can go yet.
     *
     * @return whether the network is gone (false: Swarm still detaches the ended task; try {@link #removeNetwork} later)
     */
    boolean remove(String name) {
        Optional<ObservedService> s = swarm.inspectService(name);
        if (s.isPresent() && ours(s.get())) {
            swarm.removeService(s.get().id());
        }
        return removeNetwork(name);
    }

    /**
     * Removes the run's own network; false while Swarm still detaches the ended task from it (it goes on a
     * later look). A missing network is gone.
     */
    boolean removeNetwork(String name) {
        try {
            // Listed: only this instance's networks are (a network of that name may be another Corral's).
            if (manager.listNetworks().stream().noneMatch(n -> n.name().equals(name))) {
                return true;
            }
            manager.removeNetwork(name);
            return true;
        } catch (EngineException e) {
            LOG.debugf("network %s not removed yet: %s", name, e.getMessage());
            return false;
        }
    }

    /** Its Tool's {@code placement} constraints (none for a language run). */
    List<String> constraints(SpecObject run) {
        ToolRunSpec spec = ToolRunSpec.of(run.spec());
        if (spec.languageRun()) {
            return List.of();
        }
        return store.get(RunContainers.toolKey(spec)).map(t -> Placement.of(t.spec().get("placement")).constraints())
                .orElse(List.of());
    }

    /** The run's job, from its spec, its Tool and its image (read on the manager's engine). */
    RunContainers.RunSetup setup(SpecObject run) {
        ToolRunSpec spec = ToolRunSpec.of(run.spec());
        ToolSpec tool = RunContainers.toolOf(spec, store::get);
        String image = RunContainers.image(tool, spec.languageRun() ? Runner.of(spec.language()) : null, config);
        return RunContainers.job(run, spec, tool, manager.ensureImage(image, RunContainers.pullPolicy(tool)), config);
    }

    /** Where it runs, once known: the node and the task, and in what state Swarm has it. */
    void noteTask(SpecObject run, ObservedTask task, ObservedNode node) {
        if (task == null || run.status() == null) {
            return;
        }
        String message = "a Swarm job, " + task.state() + (node == null ? "" : " on " + node.hostname());
        var current = run.status();
        if (task.id().equals(current.path("taskId").asText(null)) && message.equals(current.path("message").asText(null))) {
            return;
        }
        var status = RunStatusBuilder.of(run).build().put("taskId", task.id()).put("message", message);
        if (node != null) {
            status.put("node", node.hostname()).put("nodeId", node.id());
        }
        store.updateStatus(run.key(), status);
    }
}
