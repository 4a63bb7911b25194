package dev.corral.runtime;

import com.github.dockerjava.api.model.EndpointResolutionMode;
import com.github.dockerjava.api.model.EndpointSpec;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.NetworkAttachmentConfig;
import com.github.dockerjava.api.model.ResourceRequirements;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.ServiceModeConfig;
import com.github.dockerjava.api.model.ServiceReplicatedModeOptions;
import com.github.dockerjava.api.model.ServiceRestartCondition;
import com.github.dockerjava.api.model.ServiceRestartPolicy;
import com.github.dockerjava.api.model.ServiceSpec;
import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.Task;
import com.github.dockerjava.api.model.TaskSpec;
import com.github.dockerjava.api.model.TaskState;
import com.github.dockerjava.api.model.TmpfsOptions;
import com.github.dockerjava.api.model.VolumeOptions;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link ServiceRuntime} on docker-java, against a Swarm manager's API. */
final class DockerServices implements ServiceRuntime {

    private final DockerCalls calls;

    DockerServices(DockerCalls calls) {
        this.calls = calls;
    }

    @Override
    public Optional<ObservedService> inspectService(String name) {
        try {
            Service s = calls.call("inspect_service", () -> calls.client().inspectServiceCmd(name).exec());
            return Optional.of(observed(s));
        } catch (EngineException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public List<ObservedService> listServices() {
        List<Service> all = calls.call("list_services", () -> calls.client().listServicesCmd()
                .withLabelFilter(Map.of(Labels.MANAGED, "true", Labels.INSTANCE, calls.instance())).exec());
        return all.stream().map(DockerServices::observed).toList();
    }

    @Override
    public String createService(ServiceRequest r) {
        return calls.call("create_service", () -> calls.client().createServiceCmd(spec(r)).exec().getId());
    }

    @Override
    public void updateService(ObservedService current, ServiceRequest r) {
        calls.call("update_service", () -> {
            calls.client().updateServiceCmd(current.id(), spec(r)).withVersion(current.version()).exec();
            return null;
        });
    }

    @Override
    public boolean matches(ObservedService current, ServiceRequest request) {
        return current.replicas() == request.replicas() && current.containerDigest().equals(digest(spec(request)));
    }

    /** The parts of a service's spec an update behind Corral's back would change, as Corral asks them. */
    private static String digest(ServiceSpec spec) {
        var c = spec.getTaskTemplate() == null ? null : spec.getTaskTemplate().getContainerSpec();
        if (c == null) {
            return "";
        }
        String image = c.getImage() == null ? "" : c.getImage().replaceFirst("@sha256:[0-9a-f]+$", "");
        // Absent and empty are one (the engine leaves an empty list out); the environment's order does not matter.
        return String.join("\u0000", image,
                String.valueOf(c.getCommand() == null ? List.of() : c.getCommand()),
                String.valueOf(c.getArgs() == null ? List.of() : c.getArgs()),
                String.valueOf(c.getEnv() == null ? new java.util.TreeSet<>() : new java.util.TreeSet<>(c.getEnv())),
                String.valueOf(c.getLabels() == null ? new java.util.TreeMap<>() : new java.util.TreeMap<>(c.getLabels())));
    }

    @Override
    public void removeService(String idOrName) {
        try {
            calls.call("remove_service", () -> {
                calls.client().removeServiceCmd(idOrName).exec();
                return null;
            });
        } catch (EngineException e) {
            if (e.status() != 404) {
                throw e;
            }
        }
    }

    @Override
    public List<ObservedTask> tasks(String serviceId) {
        List<Task> tasks = calls.call("list_tasks", () -> calls.client().listTasksCmd()
                .withServiceFilter(serviceId).exec());
        return tasks.stream().map(DockerServices::observed)
                .sorted(Comparator.comparing(ObservedTask::createdAt, Comparator.nullsLast(Comparator.reverseOrder())))
                .toList();
    }

    @Override
    public Logs serviceLogs(String serviceId, long maxBytes) {
        return calls.call("service_logs", () -> {
            CappedOutput output = new CappedOutput(maxBytes);
            // Closed whatever happens: a node that does not answer would otherwise hold the manager's stream open.
            try (var callback = calls.client().logServiceCmd(serviceId).withStdout(true).withStderr(true).withFollow(false)
                    .exec(new com.github.dockerjava.api.async.ResultCallback.Adapter<com.github.dockerjava.api.model.Frame>() {
                        @Override
                        public void onNext(com.github.dockerjava.api.model.Frame f) {
                            output.add(f);
                        }
                    })) {
                if (!callback.awaitCompletion(60, java.util.concurrent.TimeUnit.SECONDS)) {
                    // Part of the output is no output: the caller tries again rather than keep a cut one.
                    throw new EngineException(504, "the logs of service " + serviceId + " did not come within 60 s", null);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EngineException(503, "interrupted while reading the logs of service " + serviceId, e);
            } catch (java.io.IOException e) {
                // closing a finished stream
            }
            return output.logs();
        });
    }

    @Override
    public List<ObservedTask> runningTasks() {
        List<Task> tasks = calls.call("list_tasks", () -> calls.client().listTasksCmd()
                .withStateFilter(TaskState.RUNNING).exec());
        return tasks.stream().map(DockerServices::observed).toList();
    }

    @Override
    public List<ObservedNode> nodes() {
        List<SwarmNode> nodes = calls.call("list_nodes", () -> calls.client().listSwarmNodesCmd().exec());
        List<ObservedNode> out = new ArrayList<>();
        for (SwarmNode n : nodes) {
            out.add(new ObservedNode(n.getId(),
                    n.getDescription() == null ? n.getId() : n.getDescription().getHostname(),
                    n.getStatus() == null || n.getStatus().getState() == null ? "unknown"
                            : n.getStatus().getState().name().toLowerCase(java.util.Locale.ROOT),
                    n.getSpec() == null || n.getSpec().getAvailability() == null ? "active"
                            : n.getSpec().getAvailability().name().toLowerCase(java.util.Locale.ROOT),
                    n.getSpec() == null || n.getSpec().getRole() == null ? "worker"
                            : n.getSpec().getRole().name().toLowerCase(java.util.Locale.ROOT),
                    n.getSpec() == null ? null : n.getSpec().getLabels()));
        }
        return out;
    }

    private ServiceSpec spec(ServiceRequest r) {
        ContainerRequest c = r.container();
        var container = new SwarmModel.Container();
        container.withImage(c.image()).withLabels(calls.stamped(c.labels())).withStopGracePeriod(r.stopGrace().toNanos());
        if (c.entrypoint() != null) {
            container.withCommand(c.entrypoint());
        }
        if (c.cmd() != null) {
            container.withArgs(c.cmd());
        }
        List<String> env = new ArrayList<>();
        c.env().forEach((k, v) -> env.add(k + "=" + v));
        container.withEnv(env);
        List<Mount> mounts = new ArrayList<>();
        for (ContainerRequest.Mount m : c.mounts()) {
            mounts.add(new Mount().withType(MountType.VOLUME).withSource(m.source()).withTarget(m.target())
                    .withReadOnly(m.readOnly()).withVolumeOptions(new VolumeOptions().withLabels(calls.stamped(Map.of()))));
        }
        ContainerRequest.Hardening h = c.hardening();
        if (h != null) {
            container.withReadOnly(h.readOnlyRoot());
            container.init = h.init();
            if (h.dropAllCaps()) {
                container.capabilityDrop = List.of("ALL");
            }
            if (h.user() != null) {
                container.withUser(h.user());
            }
            if (h.workingDir() != null && h.workspace() == null) {
                // Not for a run's tmpfs workspace: the engine would make the directory first, and the tmpfs would
                // take that directory's mode (0755, root's) instead of its own; the launcher changes to it.
                container.withDir(h.workingDir());
            }
            for (String t : h.tmpfs()) {
                mounts.add(new Mount().withType(MountType.TMPFS).withTarget(t)
                        .withTmpfsOptions(new TmpfsOptions().withSizeBytes(64L << 20)));
            }
            if (h.workspace() != null) {
                // A run's workspace: a task's anonymous volume would outlive it on its node; a tmpfs goes with it.
                // Writable by the run's user whoever it is, as the run's inputs are written there by the launcher.
                mounts.add(new Mount().withType(MountType.TMPFS).withTarget(h.workspace())
                        .withTmpfsOptions(new TmpfsOptions().withSizeBytes(64L << 20).withMode(01777)));
            }
        }
        container.withMounts(mounts);
        ContainerRequest.Confinement conf = c.confinement();
        if (conf != null) {
            List<Map<String, Object>> ulimits = new ArrayList<>();
            if (conf.openFiles() != null) {
                ulimits.add(Map.of("Name", "nofile", "Soft", conf.openFiles(), "Hard", conf.openFiles()));
            }
            if (conf.processes() != null) {
                ulimits.add(Map.of("Name", "nproc", "Soft", conf.processes(), "Hard", conf.processes()));
            }
            container.ulimits = ulimits.isEmpty() ? null : ulimits;
        }
        if (r.health() != null) {
            ServiceRequest.Health hc = r.health();
            List<String> test = new ArrayList<>();
            test.add("CMD");
            test.addAll(hc.command());
            container.withHealthCheck(new HealthCheck().withTest(test).withInterval(hc.interval().toNanos())
                    .withTimeout(hc.timeout().toNanos()).withRetries(hc.retries())
                    .withStartPeriod(hc.startPeriod().toNanos()));
        }
        var limits = new SwarmModel.Limits();
        limits.withMemoryBytes(c.memoryBytes()).withNanoCPUs(c.nanoCpus());
        limits.pids = c.pidsLimit() > 0 ? c.pidsLimit() : null;
        var placement = new com.github.dockerjava.api.model.ServicePlacement().withConstraints(r.constraints());
        ServiceRequest.Restart restart = r.restart();
        var policy = new ServiceRestartPolicy().withCondition(switch (restart.condition()) {
            case ANY -> ServiceRestartCondition.ANY;
            case ON_FAILURE -> ServiceRestartCondition.ON_FAILURE;
            case NONE -> ServiceRestartCondition.NONE;
        }).withDelay(restart.delay().toNanos());
        if (restart.maxAttempts() != null) {
            policy.withMaxAttempts((long) restart.maxAttempts());
        }
        TaskSpec task = new TaskSpec().withContainerSpec(container)
                .withResources(new ResourceRequirements().withLimits(limits))
                .withRestartPolicy(policy).withPlacement(placement);
        if (conf != null && conf.logMaxSizeMb() > 0) {
            task.withLogDriver(new com.github.dockerjava.api.model.Driver().withName("json-file").withOptions(Map.of(
                    "max-size", conf.logMaxSizeMb() + "m", "max-file", String.valueOf(conf.logMaxFiles()))));
        }
        if (c.network() != null) {
            task.withNetworks(List.of(new NetworkAttachmentConfig().withTarget(c.network()).withAliases(c.aliases())));
        }
        return new ServiceSpec().withName(c.name()).withLabels(calls.stamped(r.labels())).withTaskTemplate(task)
                .withMode(new ServiceModeConfig().withReplicated(new ServiceReplicatedModeOptions()
                        .withReplicas(r.replicas())))
                // DNS round-robin: a relic's name resolves to its task's own address. The virtual IP of the default
                // mode needs the kernel's IPVS, which these machines lack; and one replica gains nothing from it.
                .withEndpointSpec(new EndpointSpec().withMode(EndpointResolutionMode.DNSRR));
    }

    private static ObservedService observed(Service s) {
        ServiceSpec spec = s.getSpec();
        int replicas = spec.getMode() != null && spec.getMode().getReplicated() != null
                ? (int) spec.getMode().getReplicated().getReplicas() : 0;
        return new ObservedService(s.getId(), spec.getName(),
                s.getVersion() == null || s.getVersion().getIndex() == null ? 0 : s.getVersion().getIndex(),
                DockerCalls.labels(spec.getLabels()), replicas, digest(spec));
    }

    private static ObservedTask observed(Task t) {
        var status = t.getStatus();
        String state = status == null || status.getState() == null ? "new" : status.getState().getValue();
        String message = status == null ? null
                : status.getErr() != null && !status.getErr().isBlank() ? status.getErr() : status.getMessage();
        var cs = status == null ? null : status.getContainerStatus();
        return new ObservedTask(t.getId(), t.getServiceId(), t.getNodeId(), state,
                t.getDesiredState() == null ? null : t.getDesiredState().getValue(), message,
                cs == null ? null : cs.getContainerID(), cs == null ? null : cs.getExitCode(),
                t.getCreatedAt() == null ? null : Instant.parse(t.getCreatedAt()),
                t.getSpec() == null || t.getSpec().getContainerSpec() == null ? Map.of()
                        : DockerCalls.labels(t.getSpec().getContainerSpec().getLabels()));
    }
}
