package dev.corral.runtime;

import com.github.dockerjava.api.DockerClient;
import dev.corral.config.CorralConfig;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * {@link ContainerRuntime} over docker-java. Maps the engine's "already done" answers (304 on
 * start/stop, 404 on remove) to success, so every step can be repeated after a crash, and times
 * every call in {@code corral_docker_api_seconds{operation}}. The calls live by concern in
 * {@link DockerContainers}, {@link DockerNetworks}, {@link DockerImages}, {@link DockerStreams},
 * {@link DockerEvents} and {@link DockerSelf}, over the shared {@link DockerCalls}.
 */
public class DockerRuntime implements ContainerRuntime {

    private final DockerContainers containers;
    private final DockerNetworks networks;
    private final DockerImages images;
    private final DockerStreams streams;
    private final DockerLogs logs;
    private final DockerEvents events;
    private final DockerSelf self;
    private final DockerStats stats;
    private final DockerServices services;

    /**
     * @param eventsClient a client without a read timeout: the event stream may be quiet for hours
     */
    public DockerRuntime(DockerClient client, DockerClient eventsClient, MeterRegistry registry, String instance) {
        this(client, eventsClient, registry, instance, CorralConfig.Stats.Source.AUTO);
    }

    /** @param statsSource where container stats are read ({@code corral.stats.source}) */
    public DockerRuntime(DockerClient client, DockerClient eventsClient, MeterRegistry registry, String instance,
                         CorralConfig.Stats.Source statsSource) {
        this(client, eventsClient, registry, instance, statsSource, Optional.empty(), Optional.empty());
    }

    /**
     * @param diskDevice      the block device disk I/O limits apply to ({@code corral.docker.disk-device}); empty: found
     * @param seccompProfiles where named seccomp profiles are ({@code corral.security.seccomp-profiles})
     */
    public DockerRuntime(DockerClient client, DockerClient eventsClient, MeterRegistry registry, String instance,
                         CorralConfig.Stats.Source statsSource, Optional<String> diskDevice,
                         Optional<java.nio.file.Path> seccompProfiles) {
        this(client, eventsClient, registry, instance, statsSource, diskDevice, seccompProfiles, false);
    }

    /** @param swarm the engine is a Swarm manager ({@code corral.engine.mode=swarm}): session networks are overlays */
    public DockerRuntime(DockerClient client, DockerClient eventsClient, MeterRegistry registry, String instance,
                         CorralConfig.Stats.Source statsSource, Optional<String> diskDevice,
                         Optional<java.nio.file.Path> seccompProfiles, boolean swarm) {
        DockerCalls calls = new DockerCalls(client, eventsClient, registry, instance);
        this.services = new DockerServices(calls);
        this.stats = new DockerStats(calls, statsSource);
        this.images = new DockerImages(calls);
        this.containers = new DockerContainers(calls, images,
                new HostConfinement(new DiskDevice(calls, diskDevice), seccompProfiles));
        this.networks = new DockerNetworks(calls, swarm);
        this.streams = new DockerStreams(calls);
        this.logs = new DockerLogs(calls);
        this.events = new DockerEvents(calls);
        this.self = new DockerSelf(calls);
    }

    /** The same engine as a Swarm manager: its services, tasks and nodes. */
    public ServiceRuntime services() {
        return services;
    }

    @Override
    public Optional<ContainerStats> stats(String id) {
        return stats.stats(id);
    }

    @Override
    public List<ObservedContainer> listContainers() {
        return containers.listContainers();
    }

    @Override
    public List<ObservedNetwork> listNetworks() {
        return networks.listNetworks();
    }

    @Override
    public List<ObservedVolume> listVolumes() {
        return networks.listVolumes(false);
    }

    @Override
    public List<ObservedVolume> listUnusedVolumes() {
        return networks.listVolumes(true);
    }

    @Override
    public List<String> listLabelled(String label, String value) {
        return containers.listLabelled(label, value);
    }

    @Override
    public String createContainer(ContainerRequest r) {
        return containers.createContainer(r);
    }

    @Override
    public void startContainer(String id) {
        containers.startContainer(id);
    }

    @Override
    public void pauseContainer(String id) {
        containers.pauseContainer(id);
    }

    @Override
    public void unpauseContainer(String id) {
        containers.unpauseContainer(id);
    }

    @Override
    public void stopContainer(String id, Duration grace) {
        containers.stopContainer(id, grace);
    }

    @Override
    public void removeContainer(String id) {
        containers.removeContainer(id);
    }

    @Override
    public Optional<ContainerDetails> inspectContainer(String idOrName) {
        return containers.inspectContainer(idOrName);
    }

    @Override
    public ExecResult exec(String id, List<String> command, Duration timeout) {
        return containers.exec(id, command, timeout);
    }

    @Override
    public String createNetwork(NetworkRequest r) {
        return networks.createNetwork(r);
    }

    @Override
    public void removeNetwork(String idOrName) {
        networks.removeNetwork(idOrName);
    }

    @Override
    public void connect(String network, String containerId, List<String> aliases) {
        networks.connect(network, containerId, aliases);
    }

    @Override
    public void disconnect(String network, String containerId) {
        networks.disconnect(network, containerId);
    }

    @Override
    public Optional<SelfContainer> findSelf() {
        return self.findSelf();
    }

    @Override
    public void createVolume(String name, Map<String, String> labels) {
        networks.createVolume(name, labels);
    }

    @Override
    public void removeVolume(String name) {
        networks.removeVolume(name);
    }

    @Override
    public ImageDefaults ensureImage(String image, String pullPolicy) {
        return images.ensureImage(image, pullPolicy);
    }

    @Override
    public void killContainer(String id) {
        containers.killContainer(id);
    }

    @Override
    public void copyIn(String id, String path, byte[] tar) {
        containers.copyIn(id, path, tar);
    }

    @Override
    public Optional<byte[]> copyOut(String id, String path, long maxBytes) {
        return containers.copyOut(id, path, maxBytes);
    }

    @Override
    public Logs logs(String id, long maxBytes) {
        return streams.logs(id, maxBytes);
    }

    @Override
    public CompletableFuture<StreamedOutput> attach(String id, byte[] stdin, long maxBytes, Duration sendTimeout) {
        return streams.attach(id, stdin, maxBytes, sendTimeout, OutputEnd.STREAMS_CLOSED);
    }

    @Override
    public CompletableFuture<StreamedOutput> attach(String id, byte[] stdin, long maxBytes, Duration sendTimeout,
                                                    OutputEnd end) {
        return streams.attach(id, stdin, maxBytes, sendTimeout, end);
    }

    @Override
    public CompletableFuture<StreamedOutput> attachOutput(String id, long maxBytes, OutputEnd end) {
        return streams.attachOutput(id, maxBytes, end);
    }

    @Override
    public String stderrTail(String id, int lines) {
        return streams.stderrTail(id, lines);
    }

    @Override
    public AutoCloseable followLogs(String id, boolean timestamps, BiConsumer<String, String> onLine, Runnable onEnd) {
        return streams.followLogs(id, timestamps, onLine, onEnd);
    }

    @Override
    public AutoCloseable readLogs(String id, LogRequest request, Consumer<LogLine> onLine, Consumer<Throwable> onEnd) {
        return logs.read(id, request, onLine, onEnd);
    }

    @Override
    public void ping() {
        events.ping();
    }

    @Override
    public EngineIdentity identity() {
        return events.identity();
    }

    @Override
    public AutoCloseable events(Consumer<RuntimeEvent> onEvent, Consumer<Throwable> onClosed) {
        return events.events(onEvent, onClosed);
    }
}
