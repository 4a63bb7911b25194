package dev.corral.testing;

import dev.corral.runtime.ContainerDetails;
import dev.corral.runtime.ContainerRequest;
import dev.corral.runtime.ContainerStats;
import dev.corral.runtime.ContainerRuntime;
import dev.corral.runtime.ExecResult;
import dev.corral.runtime.ImageDefaults;
import dev.corral.runtime.Logs;
import dev.corral.runtime.OutputEnd;
import dev.corral.runtime.NameConflictException;
import dev.corral.runtime.NetworkRequest;
import dev.corral.runtime.ObservedContainer;
import dev.corral.runtime.ObservedNetwork;
import dev.corral.runtime.ObservedVolume;
import dev.corral.runtime.RuntimeEvent;
import dev.corral.runtime.SelfContainer;
import dev.corral.runtime.StreamedOutput;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * An engine in memory for engine-free tests of the reconcilers, like client-go's fake clientset:
 * every call is recorded as an {@link Action} ({@code "create-container corral-relic-s1-web"}), and
 * list and inspect answer from what the calls made. Idempotent where the real runtime is (starting
 * a running container, removing a missing one); a second create of a name is a
 * {@link NameConflictException}, as on the engine. Not thread-safe beyond its synchronized methods.
 */
public class FakeRuntime implements ContainerRuntime {

    /** One call: its verb and the name or id it was about. */
    public record Action(String verb, String target) {
        @Override
        public String toString() {
            return verb + " " + target;
        }
    }

    /** A container as the fake holds it. */
    public static final class Container {
        public final String id;
        public final ContainerRequest request;
        public boolean running;
        public boolean paused;
        public Long exitCode;
        public boolean oomKilled;
        public Instant startedAt;
        public Instant finishedAt;
        public final Map<String, String> networks = new LinkedHashMap<>();

        Container(String id, ContainerRequest request) {
            this.id = id;
            this.request = request;
        }

        ObservedContainer observed() {
            String state = paused ? "paused" : running ? "running" : exitCode == null ? "created" : "exited";
            return new ObservedContainer(id, request.name(), request.labels(), state, Map.copyOf(networks), addresses());
        }

        /** Its address on each of its networks, as the list and inspect report them. */
        Map<String, String> addresses() {
            Map<String, String> ips = new LinkedHashMap<>();
            networks.keySet().forEach(n -> ips.put(n, "10.0.0." + (2 + ips.size())));
            return ips;
        }
    }

    private final List<Action> actions = new ArrayList<>();
    private final Map<String, Container> containers = new LinkedHashMap<>();
    private final Map<String, ObservedNetwork> networks = new LinkedHashMap<>();
    private final Map<String, ObservedVolume> volumes = new LinkedHashMap<>();
    private int ids;
    /** Set to make every call fail, as an engine that went away. */
    public volatile RuntimeException down;
    /** When set, every start of a stopped container fails with this engine error 500. */
    public volatile String startFailure;
    /** Containers whose every start fails with an engine error 500, as one whose engine state is broken. */
    public final java.util.Set<String> unstartable = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Corral's own container as {@link #findSelf()} answers it; null: Corral runs on the engine's host. */
    public volatile SelfContainer self;

    // ---- for tests ----

    public synchronized List<Action> actions() {
        return List.copyOf(actions);
    }

    /** The recorded calls as strings, without the read-only ones (list, inspect): what a reconcile changed. */
    public synchronized List<String> writes() {
        return actions.stream().filter(a -> !a.verb().startsWith("list") && !a.verb().equals("inspect")
                && !a.verb().equals("ping")).map(Action::toString).toList();
    }

    public synchronized void clearActions() {
        actions.clear();
    }

    public synchronized Optional<Container> container(String idOrName) {
        return Optional.ofNullable(find(idOrName));
    }

    /** The container stops by itself with this exit code, as a crash or a finished run. */
    public synchronized void exit(String idOrName, long code) {
        Container c = find(idOrName);
        c.running = false;
        c.exitCode = code;
        c.finishedAt = Instant.now();
    }

    /** Adds a container that some earlier process made: adoption tests start from one. */
    public synchronized String seed(ContainerRequest request, boolean running) {
        String id = createContainer(request);
        if (running) {
            startContainer(id);
        }
        actions.clear();
        return id;
    }

    // ---- ContainerRuntime ----

    private void record(String verb, String target) {
        if (down != null) {
            throw down;
        }
        actions.add(new Action(verb, target));
    }

    private Container find(String idOrName) {
        Container c = containers.get(idOrName);
        if (c != null) {
            return c;
        }
        return containers.values().stream().filter(x -> x.request.name().equals(idOrName)).findFirst().orElse(null);
    }

    private String nameOf(String idOrName) {
        Container c = find(idOrName);
        return c == null ? idOrName : c.request.name();
    }

    @Override
    public synchronized List<ObservedContainer> listContainers() {
        record("list-containers", "");
        return containers.values().stream().map(Container::observed).toList();
    }

    @Override
    public synchronized List<ObservedNetwork> listNetworks() {
        record("list-networks", "");
        return List.copyOf(networks.values());
    }

    @Override
    public synchronized List<ObservedVolume> listVolumes() {
        record("list-volumes", "");
        return List.copyOf(volumes.values());
    }

    /** Volumes a container mounts, as a test says: {@link #listUnusedVolumes} leaves them out. */
    public final java.util.Set<String> volumesInUse = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @Override
    public synchronized List<ObservedVolume> listUnusedVolumes() {
        record("list-unused-volumes", "");
        return volumes.values().stream().filter(v -> !volumesInUse.contains(v.name())).toList();
    }

    @Override
    public synchronized List<String> listLabelled(String label, String value) {
        record("list-labelled", label + "=" + value);
        return containers.values().stream().filter(c -> value.equals(c.request.labels().get(label))).map(c -> c.id).toList();
    }

    @Override
    public synchronized String createContainer(ContainerRequest request) {
        record("create-container", request.name());
        if (find(request.name()) != null) {
            throw new NameConflictException("name " + request.name() + " is in use", null);
        }
        String id = "c" + (++ids);
        Container c = new Container(id, request);
        if (request.network() != null) {
            ObservedNetwork n = networks.get(request.network());
            c.networks.put(request.network(), n == null ? request.network() : n.id());
        }
        containers.put(id, c);
        return id;
    }

    @Override
    public synchronized void startContainer(String id) {
        record("start-container", nameOf(id));
        Container c = find(id);
        if (c != null && startFailure != null && !c.running) {
            throw new dev.corral.runtime.EngineException(500, startFailure, null);
        }
        if (c != null && unstartable.contains(c.id)) {
            throw new dev.corral.runtime.EngineException(500, "failed to start shim: mkdir " + c.id + ": file exists", null);
        }
        if (c != null && !c.running) {
            c.running = true;
            c.exitCode = null;
            c.startedAt = Instant.now();
        }
    }

    @Override
    public synchronized void pauseContainer(String id) {
        record("pause-container", nameOf(id));
        Container c = find(id);
        if (c != null && c.running) {
            c.paused = true;
        }
    }

    @Override
    public synchronized void unpauseContainer(String id) {
        record("unpause-container", nameOf(id));
        Container c = find(id);
        if (c != null) {
            c.paused = false;
        }
    }

    @Override
    public synchronized void stopContainer(String id, Duration grace) {
        record("stop-container", nameOf(id));
        Container c = find(id);
        if (c != null && c.running) {
            c.running = false;
            c.exitCode = 143L;
            c.finishedAt = Instant.now();
        }
    }

    @Override
    public synchronized void killContainer(String id) {
        record("kill-container", nameOf(id));
        Container c = find(id);
        if (c != null && c.running) {
            c.running = false;
            c.exitCode = 137L;
            c.finishedAt = Instant.now();
        }
    }

    @Override
    public synchronized void removeContainer(String id) {
        record("remove-container", nameOf(id));
        Container c = find(id);
        if (c != null) {
            containers.remove(c.id);
        }
    }

    @Override
    public synchronized Optional<ContainerDetails> inspectContainer(String idOrName) {
        record("inspect", nameOf(idOrName));
        Container c = find(idOrName);
        if (c == null) {
            return Optional.empty();
        }
        return Optional.of(new ContainerDetails(c.id, c.request.name(), c.request.labels(), c.running, c.exitCode,
                c.oomKilled, null, c.startedAt, c.finishedAt, c.addresses()));
    }

    @Override
    public synchronized ExecResult exec(String id, List<String> command, Duration timeout) {
        record("exec", nameOf(id));
        execs.add(List.copyOf(command));
        return new ExecResult(0L, "");
    }

    @Override
    public synchronized String createNetwork(NetworkRequest request) {
        record("create-network", request.name());
        if (networks.containsKey(request.name())) {
            throw new NameConflictException("network " + request.name() + " exists", null);
        }
        String id = "n" + (++ids);
        networks.put(request.name(), new ObservedNetwork(id, request.name(), request.labels(), request.subnet(),
                request.internal()));
        return id;
    }

    @Override
    public synchronized void removeNetwork(String idOrName) {
        record("remove-network", idOrName);
        networks.values().removeIf(n -> n.id().equals(idOrName) || n.name().equals(idOrName));
    }

    @Override
    public synchronized void connect(String network, String containerId, List<String> aliases) {
        record("connect", network + " " + nameOf(containerId));
        Container c = find(containerId);
        if (c != null) {
            ObservedNetwork n = networks.get(network);
            c.networks.put(network, n == null ? network : n.id());
        }
    }

    @Override
    public synchronized void disconnect(String network, String containerId) {
        record("disconnect", network + " " + nameOf(containerId));
        Container c = find(containerId);
        if (c != null) {
            c.networks.remove(network);
        }
    }

    @Override
    public Optional<SelfContainer> findSelf() {
        return Optional.ofNullable(self);
    }

    @Override
    public synchronized void createVolume(String name, Map<String, String> labels) {
        record("create-volume", name);
        volumes.putIfAbsent(name, new ObservedVolume(name, labels));
    }

    @Override
    public synchronized void removeVolume(String name) {
        record("remove-volume", name);
        if (volumesInUse.contains(name)) {
            throw new dev.corral.runtime.EngineException(409, "remove " + name + ": volume is in use", null);
        }
        volumes.remove(name);
    }

    @Override
    public synchronized ImageDefaults ensureImage(String image, String pullPolicy) {
        record("ensure-image", image);
        return new ImageDefaults("sha256:" + Integer.toHexString(image.hashCode()), List.of(), List.of("sh"));
    }

    @Override
    public synchronized void copyIn(String id, String path, byte[] tar) {
        record("copy-in", nameOf(id) + " " + path);
    }

    @Override
    public synchronized Optional<byte[]> copyOut(String id, String path, long maxBytes) {
        record("copy-out", nameOf(id) + " " + path);
        return Optional.empty();
    }

    @Override
    public synchronized CompletableFuture<StreamedOutput> attach(String id, byte[] stdin, long maxBytes,
                                                                 Duration sendTimeout) {
        record("attach", nameOf(id));
        return new CompletableFuture<>();
    }

    /** No output attachment in the fake: a cold run's output is read with {@link #logs}, as when one fails. */
    @Override
    public CompletableFuture<StreamedOutput> attachOutput(String id, long maxBytes, OutputEnd end) {
        return CompletableFuture.failedFuture(new IllegalStateException("the fake engine makes no output attachment"));
    }

    @Override
    public synchronized Logs logs(String id, long maxBytes) {
        record("logs", nameOf(id));
        return new Logs("", false, "", false);
    }

    @Override
    public synchronized String stderrTail(String id, int lines) {
        record("stderr-tail", nameOf(id));
        return "";
    }

    @Override
    public AutoCloseable followLogs(String id, boolean timestamps, BiConsumer<String, String> onLine, Runnable onEnd) {
        onEnd.run();
        return () -> {
        };
    }

    @Override
    public AutoCloseable readLogs(String id, dev.corral.runtime.LogRequest request,
                                  java.util.function.Consumer<dev.corral.runtime.LogLine> onLine,
                                  java.util.function.Consumer<Throwable> onEnd) {
        onEnd.accept(null);
        return () -> {
        };
    }

    /** Set a container's usage as {@link #stats} answers it (running containers only). */
    public final Map<String, ContainerStats> stats = new java.util.concurrent.ConcurrentHashMap<>();
    /** How many times {@link #stats} was asked. */
    public volatile int statsCalls;

    @Override
    public synchronized Optional<ContainerStats> stats(String id) {
        statsCalls++;
        Container c = containers.get(id);
        return c == null || !c.running ? Optional.empty() : Optional.ofNullable(stats.get(id));
    }

    @Override
    public synchronized void ping() {
        record("ping", "");
    }

    /** Every command {@link #exec} was given, in order. */
    public final List<List<String>> execs = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** What {@link #identity()} answers: Docker unless a test says Podman. */
    public volatile dev.corral.runtime.EngineIdentity engine = new dev.corral.runtime.EngineIdentity(false, "fake");

    @Override
    public dev.corral.runtime.EngineIdentity identity() {
        return engine;
    }

    @Override
    public AutoCloseable events(Consumer<RuntimeEvent> onEvent, Consumer<Throwable> onClosed) {
        return () -> {
        };
    }
}
