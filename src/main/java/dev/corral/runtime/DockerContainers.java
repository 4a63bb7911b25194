package dev.corral.runtime;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.RestartPolicy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The container calls of {@link DockerRuntime}: list, create, start, stop, kill, remove, inspect, exec
 * and copying files in and out. "Already done" answers count as success, so each step can be repeated.
 */
final class DockerContainers {

    private final DockerCalls calls;
    private final DockerClient client;
    private final DockerImages images;
    private final HostConfinement confinement;

    DockerContainers(DockerCalls calls, DockerImages images, HostConfinement confinement) {
        this.calls = calls;
        this.client = calls.client();
        this.images = images;
        this.confinement = confinement;
    }

    public List<ObservedContainer> listContainers() {
        List<Container> list = calls.call("list_containers", () -> client.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(Labels.MANAGED, "true", Labels.INSTANCE, calls.instance())).exec());
        List<ObservedContainer> out = new ArrayList<>(list.size());
        for (Container c : list) {
            String name = c.getNames() == null || c.getNames().length == 0 ? c.getId() : c.getNames()[0].substring(1);
            Map<String, String> networks = new java.util.HashMap<>();
            Map<String, String> addresses = new java.util.HashMap<>();
            if (c.getNetworkSettings() != null && c.getNetworkSettings().getNetworks() != null) {
                c.getNetworkSettings().getNetworks().forEach((n, cn) -> {
                    networks.put(n, cn.getNetworkID());
                    if (cn.getIpAddress() != null && !cn.getIpAddress().isEmpty()) {
                        addresses.put(n, cn.getIpAddress());
                    }
                });
            }
            out.add(new ObservedContainer(c.getId(), name, DockerCalls.labels(c.getLabels()), c.getState(), networks,
                    addresses));
        }
        return out;
    }

    /** Ids of this instance's containers labelled {@code label=value}, managed or not. */
    public List<String> listLabelled(String label, String value) {
        List<Container> list = calls.call("list_containers", () -> client.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(label, value, Labels.INSTANCE, calls.instance())).exec());
        return list.stream().map(Container::getId).toList();
    }

    public String createContainer(ContainerRequest r) {
        HostConfig host = HostConfig.newHostConfig()
                .withMemory(r.memoryBytes())
                .withMemorySwap(r.memoryBytes()) // swap equal to memory: no swap on top of the limit
                .withNanoCPUs(r.nanoCpus())
                .withPidsLimit(r.pidsLimit())
                // Corral restarts containers itself, with crash-loop backoff; the engine must not race it.
                .withRestartPolicy(RestartPolicy.noRestart())
                .withNetworkMode(r.network() == null ? "none" : r.network());
        List<Mount> mounts = new ArrayList<>();
        for (ContainerRequest.Mount m : r.mounts()) {
            mounts.add(new Mount().withType(m.bind() ? MountType.BIND : MountType.VOLUME)
                    .withSource(m.source()).withTarget(m.target()).withReadOnly(m.readOnly()));
        }
        List<String> securityOpts = new ArrayList<>();
        ContainerRequest.Hardening h = r.hardening();
        if (h != null) {
            if (h.workspaceFrom() != null) {
                // A prepared workspace: the holder's anonymous volume, which goes with this container (-v) once the
                // holder is removed (the engine keeps a volume another container still mounts).
                host.withVolumesFrom(new com.github.dockerjava.api.model.VolumesFrom(h.workspaceFrom()));
            } else if (h.workspace() != null) {
                // Anonymous: it goes with the container (removed with -v), labelled so a leak would be found
                // (LoopCore.sweepLostVolumes lists managed volumes: so is this one, even when its container is not
                // managed, as a prepared workspace's holder is not).
                Map<String, String> volumeLabels = new java.util.HashMap<>(calls.stamped(r.labels()));
                volumeLabels.put(Labels.MANAGED, "true");
                mounts.add(new Mount().withType(MountType.VOLUME).withTarget(h.workspace())
                        .withVolumeOptions(new com.github.dockerjava.api.model.VolumeOptions().withLabels(volumeLabels)));
            }
            host.withReadonlyRootfs(h.readOnlyRoot()).withInit(h.init());
            if (h.dropAllCaps()) {
                host.withCapDrop(com.github.dockerjava.api.model.Capability.ALL);
            }
            if (h.noNewPrivileges()) {
                securityOpts.add("no-new-privileges");
            }
            if (!h.tmpfs().isEmpty()) {
                Map<String, String> tmpfs = new java.util.LinkedHashMap<>();
                h.tmpfs().forEach(t -> tmpfs.put(t, "rw,nosuid,nodev,size=64m"));
                host.withTmpFs(tmpfs);
            }
        }
        if (!mounts.isEmpty()) {
            host.withMounts(mounts);
        }
        if (r.confinement() != null) {
            confinement.apply(host, r.confinement(), securityOpts);
        }
        if (!securityOpts.isEmpty()) {
            host.withSecurityOpts(securityOpts);
        }
        List<String> env = new ArrayList<>();
        r.env().forEach((k, v) -> env.add(k + "=" + v));
        try {
            return calls.call("create_container", () -> {
                var cmd = client.createContainerCmd(r.image()).withName(r.name()).withLabels(calls.stamped(r.labels()))
                        .withEnv(env).withHostConfig(host);
                if (r.entrypoint() != null) {
                    cmd.withEntrypoint(r.entrypoint());
                }
                if (r.cmd() != null) {
                    cmd.withCmd(r.cmd());
                }
                if (r.network() != null && !r.aliases().isEmpty()) {
                    cmd.withAliases(r.aliases());
                }
                if (h != null && h.user() != null) {
                    cmd.withUser(h.user());
                }
                if (h != null && h.workingDir() != null) {
                    cmd.withWorkingDir(h.workingDir());
                }
                if (h != null && h.stdin()) {
                    cmd.withStdinOpen(true).withStdInOnce(true);
                }
                return cmd.exec().getId();
            });
        } catch (EngineException e) {
            if (e.status() == 404 && e.getMessage() != null && e.getMessage().toLowerCase().contains("image")) {
                images.forget(r.image());
                throw new ImageUnavailableException(e.getMessage(), true, e);
            }
            String runtime = r.confinement() == null ? null : r.confinement().runtime();
            if (runtime != null && e.status() == 400 && String.valueOf(e.getMessage()).contains("runtime")) {
                throw new EngineException(400, "isolation: strict needs the engine's " + runtime + " runtime (gVisor), "
                        + "which it does not have (" + e.getMessage() + "); see docs/isolation.md", e);
            }
            throw e;
        }
    }

    public void startContainer(String id) {
        try {
            calls.call("start_container", () -> client.startContainerCmd(id).exec());
        } catch (EngineException e) {
            if (e.status() != 304) {
                throw e;
            }
        }
    }

    public void stopContainer(String id, Duration grace) {
        try {
            calls.call("stop_container", () -> client.stopContainerCmd(id).withTimeout((int) grace.toSeconds()).exec());
        } catch (EngineException e) {
            if (e.status() != 304 && e.status() != 404) {
                throw e;
            }
        }
    }

    public void pauseContainer(String id) {
        try {
            calls.call("pause_container", () -> client.pauseContainerCmd(id).exec());
        } catch (EngineException e) {
            // 409 "... is already paused" is done; 409 "... is not running" is not.
            if (e.status() != 409 || !String.valueOf(e.getMessage()).contains("already paused")) {
                throw e;
            }
        }
    }

    public void unpauseContainer(String id) {
        try {
            calls.call("unpause_container", () -> client.unpauseContainerCmd(id).exec());
        } catch (EngineException e) {
            // 409 "... is not paused" is done.
            if (e.status() != 409 || !String.valueOf(e.getMessage()).contains("is not paused")) {
                throw e;
            }
        }
    }

    public void removeContainer(String id) {
        for (int attempt = 1; ; attempt++) {
            try {
                calls.call("remove_container", () -> client.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec());
                return;
            } catch (EngineException e) {
                // 404: already gone; 409: removal already in progress.
                if (e.status() == 404 || e.status() == 409 && String.valueOf(e.getMessage()).contains("in progress")) {
                    return;
                }
                if (!stillStopping(e) || attempt == STOPPING_RETRIES) {
                    throw e;
                }
                pause(Duration.ofMillis(10L << attempt));
            }
        }
    }

    /** Tries at a call that meets a container the engine is still stopping; 20, 40, 80 and 160 ms in between. */
    private static final int STOPPING_RETRIES = 5;

    /**
     * Podman refuses a forced removal while the container it is stopping has not finished ("could not be
     * stopped: ... container state improper: stopped", 500) — a run collected as soon as its launcher reported
     * meets it. A moment later the removal goes through.
     */
    private static boolean stillStopping(EngineException e) {
        return e.status() == 500 && String.valueOf(e.getMessage()).contains("container state improper");
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new EngineException(0, "interrupted while waiting for the engine", ie);
        }
    }

    public Optional<ContainerDetails> inspectContainer(String idOrName) {
        InspectContainerResponse r;
        try {
            r = calls.call("inspect_container", () -> client.inspectContainerCmd(idOrName).exec());
        } catch (EngineException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
        var s = r.getState();
        Map<String, String> ips = new java.util.HashMap<>();
        if (r.getNetworkSettings() != null && r.getNetworkSettings().getNetworks() != null) {
            r.getNetworkSettings().getNetworks().forEach((n, cn) -> {
                if (cn.getIpAddress() != null && !cn.getIpAddress().isEmpty()) {
                    ips.put(n, cn.getIpAddress());
                }
            });
        }
        return Optional.of(new ContainerDetails(r.getId(), r.getName() == null ? null : r.getName().replaceFirst("^/", ""),
                DockerCalls.labels(r.getConfig() == null ? null : r.getConfig().getLabels()),
                Boolean.TRUE.equals(s.getRunning()), s.getExitCodeLong(), Boolean.TRUE.equals(s.getOOMKilled()),
                s.getError() == null || s.getError().isEmpty() ? null : s.getError(),
                DockerCalls.time(s.getStartedAt()), DockerCalls.time(s.getFinishedAt()), ips));
    }

    public ExecResult exec(String id, List<String> command, Duration timeout) {
        return calls.call("exec", () -> {
            String execId = client.execCreateCmd(id).withCmd(command.toArray(String[]::new))
                    .withAttachStdout(true).withAttachStderr(true).exec().getId();
            StringBuilder out = new StringBuilder();
            var callback = client.execStartCmd(execId).exec(new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                    if (out.length() < 4096) {
                        out.append(new String(frame.getPayload(), java.nio.charset.StandardCharsets.UTF_8));
                    }
                }
            });
            try {
                if (!callback.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    callback.close();
                    return new ExecResult(null, out.toString());
                }
                callback.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new ExecResult(null, out.toString());
            } catch (java.io.IOException ignored) {
                // closing a finished stream
            }
            return new ExecResult(client.inspectExecCmd(execId).exec().getExitCodeLong(), out.toString());
        });
    }

    public void killContainer(String id) {
        try {
            calls.call("kill_container", () -> client.killContainerCmd(id).exec());
        } catch (EngineException e) {
            // 409: not running (already ended); 404: gone.
            if (e.status() != 409 && e.status() != 404) {
                throw e;
            }
        }
    }

    public void copyIn(String id, String path, byte[] tar) {
        calls.call("copy_in", () -> client.copyArchiveToContainerCmd(id).withRemotePath(path)
                .withTarInputStream(new java.io.ByteArrayInputStream(tar)).exec());
    }

    /**
     * The archive of {@code path} in the container; empty when the container or the path is not there.
     * Why the retries: Podman (4.3) copies out of a running container through its process's mount
     * namespace; when that process exits between its state check and the copy, it has already answered
     * 200 and sends no archive at all ("open /proc/PID/ns/mnt: no such file or directory" in its log) —
     * a run collected the moment its launcher reported meets it (2 runs in 100 here). No archive is
     * ever empty (a directory's has its header), so an empty one is tried again 20, 40, 80 and 160 ms
     * later, by when the engine copies out of the stopped container's mounted files.
     */
    public Optional<byte[]> copyOut(String id, String path, long maxBytes) {
        for (int attempt = 1; ; attempt++) {
            byte[] tar;
            try {
                tar = calls.call("copy_out", () -> {
                    try (java.io.InputStream in = client.copyArchiveFromContainerCmd(id, path).exec()) {
                        return in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            } catch (EngineException e) {
                if (e.status() == 404) {
                    return Optional.empty();
                }
                throw e;
            }
            if (tar.length > 0) {
                return Optional.of(tar);
            }
            if (attempt == STOPPING_RETRIES) {
                throw new EmptyArchiveException("the engine sent an empty archive of " + path + " in container " + id
                        + ", " + attempt + " times");
            }
            pause(Duration.ofMillis(10L << attempt));
        }
    }
}
