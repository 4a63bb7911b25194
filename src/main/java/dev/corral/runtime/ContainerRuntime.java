package dev.corral.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Corral's only door to the container engine. Implementations make every step idempotent:
 * starting a running container, stopping a stopped one and removing a missing one succeed.
 * List calls return only what carries {@link Labels#MANAGED}: one call per resource type.
 */
public interface ContainerRuntime {

    List<ObservedContainer> listContainers();

    List<ObservedNetwork> listNetworks();

    List<ObservedVolume> listVolumes();

    /** Those of {@link #listVolumes()} that no container mounts, running or not. */
    List<ObservedVolume> listUnusedVolumes();

    /**
     * Ids of this instance's containers labelled {@code label=value}, in any state, whether the loop manages
     * them or not (a prepared workspace's holder is not a managed container).
     */
    List<String> listLabelled(String label, String value);

    /** @return the new container's id; {@link NameConflictException} if the name is taken */
    String createContainer(ContainerRequest request);

    void startContainer(String id);

    void stopContainer(String id, Duration grace);

    void removeContainer(String id);

    /** Freezes a running container; a paused one is left as it is. */
    void pauseContainer(String id);

    /** Thaws a paused container; one that is not paused is left as it is. */
    void unpauseContainer(String id);

    /** Empty when the container does not exist. */
    Optional<ContainerDetails> inspectContainer(String idOrName);

    ExecResult exec(String id, List<String> command, Duration timeout);


    /** @return the new network's id; {@link NameConflictException} if the name is taken */
    String createNetwork(NetworkRequest request);

    void removeNetwork(String idOrName);

    void connect(String network, String containerId, List<String> aliases);

    /** Detaches a container from a network; one that is not attached (or gone) is left as it is. */
    void disconnect(String network, String containerId);

    /**
     * The container this process runs in, when the engine runs it (Corral in a container next to
     * it); empty when Corral runs on the engine's host. Costs no engine call when nothing in this
     * process's environment looks like a container.
     */
    Optional<SelfContainer> findSelf();

    void createVolume(String name, java.util.Map<String, String> labels);

    void removeVolume(String name);

    /**
     * Makes sure an image is present, pulling it per the policy ({@code IfNotPresent},
     * {@code Always}, {@code Never}); {@link ImageUnavailableException} if it cannot be had.
     */
    /** @return the image's ENTRYPOINT and CMD */
    ImageDefaults ensureImage(String image, String pullPolicy);

    /** SIGKILL; a container that is not running is left as it is. */
    void killContainer(String id);

    /** Unpacks a tar stream into {@code path} of a container (created or running). */
    void copyIn(String id, String path, byte[] tar);

    /**
     * A tar stream of {@code path} from a container; empty when the path does not exist.
     *
     * @throws EmptyArchiveException when the engine, asked a few times, sent no archive at all
     */
    Optional<byte[]> copyOut(String id, String path, long maxBytes);

    /**
     * Attaches to a running container (its stdin opened at create), writes {@code stdin} and
     * closes it, and returns once that is sent; the engine spawns nothing, unlike an exec. The
     * future ends with what the container wrote from then on (each stream cut at {@code maxBytes})
     * when its streams end, that is when it exits.
     */
    java.util.concurrent.CompletableFuture<StreamedOutput> attach(String id, byte[] stdin, long maxBytes,
                                                                  Duration sendTimeout);

    /**
     * As {@link #attach(String, byte[], long, Duration)}, answered as soon as {@code end} says the
     * output is complete (the container may still be exiting), or when the streams end.
     */
    default java.util.concurrent.CompletableFuture<StreamedOutput> attach(String id, byte[] stdin, long maxBytes,
                                                                          Duration sendTimeout, OutputEnd end) {
        return attach(id, stdin, maxBytes, sendTimeout);
    }

    /**
     * Attaches to a created container's stdout and stderr, without stdin, and returns once the engine has the
     * attachment (so that a start after it misses nothing, as {@code docker run} does). The future ends with
     * its output (each stream cut at {@code maxBytes}) as soon as {@code end} says it is complete, or when the
     * streams end; when it fails (no attachment could be made), the output is read with {@link #logs}.
     */
    java.util.concurrent.CompletableFuture<StreamedOutput> attachOutput(String id, long maxBytes, OutputEnd end);

    /** stdout and stderr so far, each cut at {@code maxBytes}. */
    Logs logs(String id, long maxBytes);

    /** The last {@code lines} lines of stderr. */
    String stderrTail(String id, int lines);

    /**
     * Streams a container's output as it is written, until it ends or the handle is closed.
     *
     * @param onLine called with (stream name "stdout"/"stderr", text) per chunk
     * @param onEnd  called once when the stream ends
     */
    AutoCloseable followLogs(String id, boolean timestamps, java.util.function.BiConsumer<String, String> onLine,
                             Runnable onEnd);

    /**
     * Reads a container's log as lines, with the engine's time of each, in the part
     * {@code request} names; with {@code follow}, goes on until the container stops. Returns at
     * once: lines arrive on another thread, then {@code onEnd} once (with the failure, or null).
     * Closing the handle ends the read and lets the engine connection go.
     */
    AutoCloseable readLogs(String id, LogRequest request, Consumer<LogLine> onLine, Consumer<Throwable> onEnd);

    /**
     * What a running container uses now (cumulative counters); empty when it is not running or
     * is gone.
     */
    Optional<ContainerStats> stats(String id);

    /** Throws if the engine does not answer. */
    void ping();

    /** Which engine answers ({@code GET /version}): Docker or Podman, and its version. */
    EngineIdentity identity();

    /**
     * Streams events about Corral's containers and networks until the returned handle is closed.
     * {@code onClosed} is called once if the stream ends or fails (the caller reconnects).
     */
    AutoCloseable events(Consumer<RuntimeEvent> onEvent, Consumer<Throwable> onClosed);
}
