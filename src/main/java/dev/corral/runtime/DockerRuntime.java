package dev.corral.runtime;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.RestartPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@link ContainerRuntime} over docker-java. Maps the engine's "already done" answers (304 on
 * start/stop, 404 on remove) to success, so every step can be repeated after a crash, and times
 * every call in {@code corral_docker_api_seconds{operation}}.
 */
public class DockerRuntime implements ContainerRuntime {

    /** Positive image look-ups are trusted this long: a create that then fails with 404 evicts the entry. */
    private static final Duration IMAGE_CACHE = Duration.ofSeconds(30);

    private final DockerClient client;
    private final DockerClient eventsClient;
    private final MeterRegistry registry;
    private final String instance;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, Instant> imagesSeen = new ConcurrentHashMap<>();
    private final Map<String, ImageDefaults> imageDefaults = new ConcurrentHashMap<>();

    /**
     * @param eventsClient a client without a read timeout: the event stream may be quiet for hours
     */
    public DockerRuntime(DockerClient client, DockerClient eventsClient, MeterRegistry registry, String instance) {
        this.instance = instance;
        this.client = client;
        this.eventsClient = eventsClient;
        this.registry = registry;
    }

    @Override
    public List<ObservedContainer> listContainers() {
        List<Container> list = call("list_containers", () -> client.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(Labels.MANAGED, "true", Labels.INSTANCE, instance)).exec());
        List<ObservedContainer> out = new ArrayList<>(list.size());
        for (Container c : list) {
            String name = c.getNames() == null || c.getNames().length == 0 ? c.getId() : c.getNames()[0].substring(1);
            Map<String, String> networks = new java.util.HashMap<>();
            if (c.getNetworkSettings() != null && c.getNetworkSettings().getNetworks() != null) {
                c.getNetworkSettings().getNetworks().forEach((n, cn) -> networks.put(n, cn.getNetworkID()));
            }
            out.add(new ObservedContainer(c.getId(), name, labels(c.getLabels()), c.getState(), networks));
        }
        return out;
    }

    @Override
    public List<ObservedNetwork> listNetworks() {
        List<Network> list = call("list_networks", () -> client.listNetworksCmd()
                .withFilter("label", List.of(Labels.MANAGED_FILTER, Labels.INSTANCE + "=" + instance)).exec());
        List<ObservedNetwork> out = new ArrayList<>(list.size());
        for (Network n : list) {
            String subnet = null;
            if (n.getIpam() != null && n.getIpam().getConfig() != null && !n.getIpam().getConfig().isEmpty()) {
                subnet = n.getIpam().getConfig().get(0).getSubnet();
            }
            out.add(new ObservedNetwork(n.getId(), n.getName(), labels(n.getLabels()), subnet,
                    Boolean.TRUE.equals(n.getInternal())));
        }
        return out;
    }

    @Override
    public List<ObservedVolume> listVolumes() {
        var response = call("list_volumes", () -> client.listVolumesCmd()
                .withFilter("label", List.of(Labels.MANAGED_FILTER, Labels.INSTANCE + "=" + instance)).exec());
        List<ObservedVolume> out = new ArrayList<>();
        if (response.getVolumes() != null) {
            response.getVolumes().forEach(v -> out.add(new ObservedVolume(v.getName(), labels(v.getLabels()))));
        }
        return out;
    }

    @Override
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
        ContainerRequest.Hardening h = r.hardening();
        if (h != null) {
            if (h.workspace() != null) {
                // Anonymous: it goes with the container (removed with -v), labelled so a leak would be found.
                mounts.add(new Mount().withType(MountType.VOLUME).withTarget(h.workspace())
                        .withVolumeOptions(new com.github.dockerjava.api.model.VolumeOptions()
                                .withLabels(stamped(r.labels()))));
            }
            host.withReadonlyRootfs(h.readOnlyRoot()).withInit(h.init());
            if (h.dropAllCaps()) {
                host.withCapDrop(com.github.dockerjava.api.model.Capability.ALL);
            }
            if (h.noNewPrivileges()) {
                host.withSecurityOpts(List.of("no-new-privileges"));
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
        List<String> env = new ArrayList<>();
        r.env().forEach((k, v) -> env.add(k + "=" + v));
        try {
            return call("create_container", () -> {
                var cmd = client.createContainerCmd(r.image()).withName(r.name()).withLabels(stamped(r.labels()))
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
                imagesSeen.remove(r.image());
                throw new ImageUnavailableException(e.getMessage(), true, e);
            }
            throw e;
        }
    }

    @Override
    public void startContainer(String id) {
        try {
            call("start_container", () -> client.startContainerCmd(id).exec());
        } catch (EngineException e) {
            if (e.status() != 304) {
                throw e;
            }
        }
    }

    @Override
    public void stopContainer(String id, Duration grace) {
        try {
            call("stop_container", () -> client.stopContainerCmd(id).withTimeout((int) grace.toSeconds()).exec());
        } catch (EngineException e) {
            if (e.status() != 304 && e.status() != 404) {
                throw e;
            }
        }
    }

    @Override
    public void removeContainer(String id) {
        try {
            call("remove_container", () -> client.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec());
        } catch (EngineException e) {
            // 404: already gone; 409: removal already in progress.
            if (e.status() != 404 && !(e.status() == 409 && String.valueOf(e.getMessage()).contains("in progress"))) {
                throw e;
            }
        }
    }

    @Override
    public Optional<ContainerDetails> inspectContainer(String idOrName) {
        InspectContainerResponse r;
        try {
            r = call("inspect_container", () -> client.inspectContainerCmd(idOrName).exec());
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
                labels(r.getConfig() == null ? null : r.getConfig().getLabels()),
                Boolean.TRUE.equals(s.getRunning()), s.getExitCodeLong(), Boolean.TRUE.equals(s.getOOMKilled()),
                s.getError() == null || s.getError().isEmpty() ? null : s.getError(),
                time(s.getStartedAt()), time(s.getFinishedAt()), ips));
    }

    @Override
    public ExecResult exec(String id, List<String> command, Duration timeout) {
        return call("exec", () -> {
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

    @Override
    public String createNetwork(NetworkRequest r) {
        return call("create_network", () -> {
            var cmd = client.createNetworkCmd().withName(r.name()).withDriver("bridge").withInternal(r.internal())
                    .withLabels(stamped(r.labels())).withCheckDuplicate(true);
            if (r.subnet() != null) {
                cmd.withIpam(new Network.Ipam().withConfig(new Network.Ipam.Config().withSubnet(r.subnet())));
            }
            return cmd.exec().getId();
        });
    }

    @Override
    public void removeNetwork(String idOrName) {
        try {
            call("remove_network", () -> client.removeNetworkCmd(idOrName).exec());
        } catch (EngineException e) {
            if (e.status() != 404) {
                throw e;
            }
        }
    }

    @Override
    public void connect(String network, String containerId, List<String> aliases) {
        try {
            call("connect_network", () -> client.connectToNetworkCmd().withNetworkId(network).withContainerId(containerId)
                    .withContainerNetwork(new ContainerNetwork().withAliases(aliases)).exec());
        } catch (EngineException e) {
            // 403 "already exists in network" (older engines) / 409: already connected.
            if (!(String.valueOf(e.getMessage()).contains("already exists"))) {
                throw e;
            }
        }
    }

    @Override
    public void disconnect(String network, String containerId) {
        try {
            call("disconnect_network", () -> client.disconnectFromNetworkCmd().withNetworkId(network)
                    .withContainerId(containerId).exec());
        } catch (EngineException e) {
            // 404: network or container gone; "is not connected": already detached.
            if (e.status() != 404 && !String.valueOf(e.getMessage()).contains("not connected")) {
                throw e;
            }
        }
    }

    @Override
    public Optional<SelfContainer> findSelf() {
        List<String> candidates = SelfContainer.candidates(readQuietly("/proc/self/mountinfo"),
                readQuietly("/proc/self/cgroup"), readQuietly("/etc/hostname"));
        for (String candidate : candidates) {
            InspectContainerResponse r;
            try {
                r = call("inspect_container", () -> client.inspectContainerCmd(candidate).exec());
            } catch (EngineException e) {
                if (e.status() == 404) {
                    continue;
                }
                throw e;
            }
            if (r.getId() == null || !r.getId().startsWith(candidate)) {
                continue;
            }
            Map<String, String> networks = new java.util.HashMap<>();
            if (r.getNetworkSettings() != null && r.getNetworkSettings().getNetworks() != null) {
                r.getNetworkSettings().getNetworks().forEach((n, cn) -> networks.put(n, cn.getNetworkID()));
            }
            Map<java.nio.file.Path, java.nio.file.Path> binds = new java.util.HashMap<>();
            if (r.getMounts() != null) {
                for (var m : r.getMounts()) {
                    // Named volumes carry a name; a bind mount's source is the host's path.
                    if ((m.getName() == null || m.getName().isEmpty()) && m.getSource() != null
                            && m.getDestination() != null && m.getSource().startsWith("/")) {
                        binds.put(java.nio.file.Path.of(m.getDestination().getPath()).normalize(),
                                java.nio.file.Path.of(m.getSource()).normalize());
                    }
                }
            }
            return Optional.of(new SelfContainer(r.getId(), networks, binds));
        }
        return Optional.empty();
    }

    private static String readQuietly(String file) {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of(file));
        } catch (java.io.IOException | java.lang.RuntimeException e) {
            return "";
        }
    }

    @Override
    public void createVolume(String name, Map<String, String> labels) {
        call("create_volume", () -> client.createVolumeCmd().withName(name).withLabels(stamped(labels)).exec());
    }

    @Override
    public void removeVolume(String name) {
        try {
            call("remove_volume", () -> client.removeVolumeCmd(name).exec());
        } catch (EngineException e) {
            if (e.status() != 404) {
                throw e;
            }
        }
    }

    @Override
    public ImageDefaults ensureImage(String image, String pullPolicy) {
        Instant seen = imagesSeen.get(image);
        ImageDefaults known = imageDefaults.get(image);
        if (!"Always".equals(pullPolicy) && seen != null && known != null && seen.plus(IMAGE_CACHE).isAfter(Instant.now())) {
            return known;
        }
        ImageDefaults present = inspectImage(image);
        if (present != null && !"Always".equals(pullPolicy)) {
            return remember(image, present);
        }
        if ("Never".equals(pullPolicy)) {
            throw new ImageUnavailableException("image " + image + " is not on the engine and imagePullPolicy is Never",
                    false, null);
        }
        try {
            call("pull_image", () -> {
                try {
                    return client.pullImageCmd(image).start().awaitCompletion(10, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while pulling " + image, e);
                }
            });
        } catch (EngineException | IllegalStateException e) {
            if (present != null) {
                // Always, but the registry is unreachable: run what we have, as the kubelet would not; say so in logs.
                return remember(image, present);
            }
            throw new ImageUnavailableException("image " + image + " could not be pulled: " + e.getMessage(), true, e);
        }
        ImageDefaults pulled = inspectImage(image);
        if (pulled == null) {
            throw new ImageUnavailableException("image " + image + " is missing right after its pull", true, null);
        }
        return remember(image, pulled);
    }

    private ImageDefaults remember(String image, ImageDefaults d) {
        imageDefaults.put(image, d);
        imagesSeen.put(image, Instant.now());
        return d;
    }

    /** The image's defaults, or null when it is not on the engine. */
    private ImageDefaults inspectImage(String image) {
        try {
            var inspected = call("inspect_image", () -> client.inspectImageCmd(image).exec());
            var config = inspected.getConfig();
            List<String> entrypoint = config == null || config.getEntrypoint() == null ? List.of()
                    : List.of(config.getEntrypoint());
            List<String> cmd = config == null || config.getCmd() == null ? List.of() : List.of(config.getCmd());
            return new ImageDefaults(inspected.getId(), entrypoint, cmd);
        } catch (EngineException e) {
            if (e.status() != 404) {
                throw e;
            }
            return null;
        }
    }

    @Override
    public void killContainer(String id) {
        try {
            call("kill_container", () -> client.killContainerCmd(id).exec());
        } catch (EngineException e) {
            // 409: not running (already ended); 404: gone.
            if (e.status() != 409 && e.status() != 404) {
                throw e;
            }
        }
    }

    @Override
    public void copyIn(String id, String path, byte[] tar) {
        call("copy_in", () -> client.copyArchiveToContainerCmd(id).withRemotePath(path)
                .withTarInputStream(new java.io.ByteArrayInputStream(tar)).exec());
    }

    @Override
    public Optional<byte[]> copyOut(String id, String path, long maxBytes) {
        try {
            return Optional.of(call("copy_out", () -> {
                try (java.io.InputStream in = client.copyArchiveFromContainerCmd(id, path).exec()) {
                    return in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
        } catch (EngineException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public Logs logs(String id, long maxBytes) {
        return call("logs", () -> {
            CappedOutput output = new CappedOutput(maxBytes);
            try {
                client.logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(false)
                        .exec(new ResultCallback.Adapter<Frame>() {
                            @Override
                            public void onNext(Frame f) {
                                output.add(f);
                            }
                        }).awaitCompletion(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return output.logs();
        });
    }

    @Override
    public java.util.concurrent.CompletableFuture<StreamedOutput> attach(String id, byte[] stdin, long maxBytes,
                                                                         Duration sendTimeout) {
        java.util.concurrent.CompletableFuture<StreamedOutput> ended = new java.util.concurrent.CompletableFuture<>();
        call("attach", () -> {
            java.util.concurrent.CountDownLatch sent = new java.util.concurrent.CountDownLatch(1);
            Throwable[] failure = new Throwable[1];
            java.io.InputStream in = new java.io.ByteArrayInputStream(stdin) {
                @Override
                public synchronized int read(byte[] b, int off, int len) {
                    int n = super.read(b, off, len);
                    if (n < 0) {
                        sent.countDown();
                    }
                    return n;
                }
            };
            CappedOutput output = new CappedOutput(maxBytes);
            // After stdin is sent the client half-closes it; the engine goes on streaming output until the exit.
            var handle = eventsClient.attachContainerCmd(id).withStdIn(in).withStdOut(true).withStdErr(true).withFollowStream(true)
                    .exec(new ResultCallback.Adapter<Frame>() {
                        @Override
                        public void onNext(Frame f) {
                            output.add(f);
                        }

                        @Override
                        public void onError(Throwable t) {
                            failure[0] = t;
                            sent.countDown();
                            ended.completeExceptionally(t);
                        }

                        @Override
                        public void onComplete() {
                            ended.complete(new StreamedOutput(output.logs(), output.stderrTail()));
                        }
                    });
            // Cancelling the future (its run collected or given up) closes the connection, if still open.
            ended.whenComplete((o, t) -> {
                if (ended.isCancelled()) {
                    closeQuietly(handle);
                }
            });
            try {
                if (!sent.await(sendTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    // Closed, so that a late delivery cannot follow a second attempt's.
                    closeQuietly(handle);
                    throw new IllegalStateException("attaching to " + id + " did not finish within " + sendTimeout);
                }
            } catch (InterruptedException e) {
                closeQuietly(handle);
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while attaching to " + id, e);
            }
            if (failure[0] instanceof RuntimeException r) {
                throw r;
            }
            if (failure[0] != null) {
                throw new IllegalStateException(failure[0]);
            }
            return null;
        });
        return ended;
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (java.io.IOException ignored) {
            // abandoning the stream
        }
    }

    @Override
    public String stderrTail(String id, int lines) {
        return call("logs", () -> {
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            try {
                client.logContainerCmd(id).withStdOut(false).withStdErr(true).withTail(lines)
                        .exec(new ResultCallback.Adapter<Frame>() {
                            @Override
                            public void onNext(Frame f) {
                                err.writeBytes(f.getPayload());
                            }
                        }).awaitCompletion(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return utf8(err.toByteArray());
        });
    }

    @Override
    public AutoCloseable followLogs(String id, boolean timestamps, java.util.function.BiConsumer<String, String> onLine,
                                    Runnable onEnd) {
        return eventsClient.logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true)
                .withTimestamps(timestamps).exec(new ResultCallback.Adapter<Frame>() {
                    @Override
                    public void onNext(Frame f) {
                        onLine.accept(f.getStreamType() == com.github.dockerjava.api.model.StreamType.STDERR
                                ? "stderr" : "stdout", utf8(f.getPayload()));
                    }

                    @Override
                    public void onComplete() {
                        super.onComplete();
                        onEnd.run();
                    }

                    @Override
                    public void onError(Throwable t) {
                        super.onError(t);
                        onEnd.run();
                    }
                });
    }

    private static String utf8(byte[] b) {
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void ping() {
        call("ping", () -> client.pingCmd().exec());
    }

    @Override
    public AutoCloseable events(Consumer<RuntimeEvent> onEvent, Consumer<Throwable> onClosed) {
        // Two streams, because filters of different keys are ANDed: containers by our labels, and network
        // attach/detach/destroy (whose events carry no labels), which the caller filters by name and container.
        java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        Consumer<Throwable> once = t -> {
            if (closed.compareAndSet(false, true)) {
                onClosed.accept(t);
            }
        };
        var containers = eventsClient.eventsCmd().withLabelFilter(Labels.MANAGED_FILTER, Labels.INSTANCE + "=" + instance)
                .withEventTypeFilter("container").exec(callback(onEvent, once));
        var networks = eventsClient.eventsCmd().withEventTypeFilter("network")
                .withEventFilter("connect", "disconnect", "destroy").exec(callback(onEvent, once));
        return () -> {
            closed.set(true);
            containers.close();
            networks.close();
        };
    }

    private static ResultCallback.Adapter<Event> callback(Consumer<RuntimeEvent> onEvent, Consumer<Throwable> onClosed) {
        return new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Event e) {
                var actor = e.getActor();
                Map<String, String> attrs = actor == null || actor.getAttributes() == null ? Map.of() : actor.getAttributes();
                onEvent.accept(new RuntimeEvent(e.getType() == null ? "" : e.getType().getValue(),
                        e.getAction() == null ? e.getStatus() : e.getAction(), actor == null ? e.getId() : actor.getId(), attrs));
            }

            @Override
            public void onError(Throwable t) {
                super.onError(t);
                onClosed.accept(t);
            }

            @Override
            public void onComplete() {
                super.onComplete();
                onClosed.accept(null);
            }
        };
    }

    private <T> T call(String operation, Supplier<T> body) {
        Timer.Sample sample = Timer.start(registry);
        try {
            return body.get();
        } catch (NotModifiedException e) {
            throw new EngineException(304, "not modified", e);
        } catch (ConflictException e) {
            throw new NameConflictException(message(e), e);
        } catch (NotFoundException e) {
            throw new EngineException(404, message(e), e);
        } catch (DockerException e) {
            throw new EngineException(e.getHttpStatus(), message(e), e);
        } catch (EngineException e) {
            throw e;
        } catch (java.lang.RuntimeException e) {
            // Transport failures (engine down, socket gone) arrive as unchecked I/O errors.
            throw new EngineException(0, "Docker engine did not answer: " + rootMessage(e), e);
        } finally {
            sample.stop(timers.computeIfAbsent(operation, op -> Timer.builder("corral_docker_api_seconds")
                    .description("Docker API calls by operation").tag("operation", op).register(registry)));
        }
    }

    /** docker-java prefixes messages with "Status 404: {"message":"..."}"; keep the engine's words. */
    private static String message(DockerException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        int i = m.indexOf("\"message\":\"");
        if (i >= 0) {
            int end = m.indexOf("\"}", i);
            return m.substring(i + 11, end > 0 ? end : m.length()).replace("\\\"", "\"");
        }
        return m.trim();
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    private Map<String, String> stamped(Map<String, String> labels) {
        Map<String, String> l = new java.util.TreeMap<>(labels);
        l.put(Labels.INSTANCE, instance);
        return l;
    }

    private static Map<String, String> labels(Map<String, String> l) {
        return l == null ? Map.of() : l;
    }

    private static Instant time(String s) {
        if (s == null || s.isEmpty() || s.startsWith("0001-")) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }
}
