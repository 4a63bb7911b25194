package dev.corral.runtime;

import dev.corral.runtime.ContainerRuntime;
import dev.corral.runtime.SelfContainer;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where Corral runs, for what depends on it: on the engine's host (then nothing here does anything)
 * or in a container of that engine. In a container, Corral's HTTP and TCP probes reach a container
 * only on a network both are attached to — session networks are internal bridges, so no route
 * leads there — so Corral's own container joins each network it probes on (once, before its first
 * probe there) and leaves it just before removing it (a network with endpoints cannot be removed).
 * And a host directory it asks the engine to bind-mount (an Agent's {@code code}) must be the one
 * it checked: only a directory mounted into Corral's container from the same path on the host is.
 */
public final class OwnContainer {

    private static final Logger LOG = Logger.getLogger(OwnContainer.class);

    private final ContainerRuntime runtime;
    private volatile Optional<SelfContainer> self;
    /** Networks Corral's container is attached to, by id and by name. */
    private final Map<String, Boolean> joined = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    public OwnContainer(ContainerRuntime runtime) {
        this.runtime = runtime;
    }

    /** Corral's own container, looked up once (an engine that does not answer is asked again next time). */
    public Optional<SelfContainer> self() {
        Optional<SelfContainer> s = self;
        if (s == null) {
            synchronized (this) {
                s = self;
                if (s == null) {
                    s = runtime.findSelf();
                    s.ifPresent(c -> c.networks().forEach((name, id) -> {
                        joined.put(name, Boolean.TRUE);
                        if (id != null) {
                            joined.put(id, Boolean.TRUE);
                        }
                    }));
                    LOG.infof(s.isPresent() ? "running in container%s: joining the networks it probes on"
                            : "running on the engine's host%s", s.map(c -> " " + c.id().substring(0, Math.min(12, c.id().length()))).orElse(""));
                    self = s;
                }
            }
        }
        return s;
    }

    /** Whether {@code containerId} is Corral's own container (false before it was looked up). */
    public boolean is(String containerId) {
        Optional<SelfContainer> s = self;
        return s != null && s.isPresent() && s.get().id().equals(containerId);
    }

    /** True on the host, or when Corral's container is attached to the network (by id when known). */
    public boolean reaches(String network, String networkId) {
        return self().isEmpty() || joined.containsKey(networkId != null ? networkId : network);
    }

    /** Attaches Corral's container to the network, unless it is already (a no-op on the host). */
    public void join(String network, String networkId) {
        Optional<SelfContainer> s = self();
        String key = networkId != null ? networkId : network;
        if (s.isEmpty() || joined.containsKey(key)) {
            return;
        }
        synchronized (locks.computeIfAbsent(key, k -> new Object())) {
            if (joined.containsKey(key)) {
                return;
            }
            long t0 = System.nanoTime();
            runtime.connect(key, s.get().id(), List.of());
            joined.put(key, Boolean.TRUE);
            joined.put(network, Boolean.TRUE);
            LOG.debugf("joined %s in %d ms, to probe there", network, (System.nanoTime() - t0) / 1_000_000);
        }
    }

    /**
     * Detaches Corral's container from a network about to be removed, if it is attached (or
     * {@code always}: when the engine said the network still has endpoints).
     */
    public void leave(String network, String networkId, boolean always) {
        Optional<SelfContainer> s = self();
        if (s.isEmpty()) {
            return;
        }
        String key = networkId != null ? networkId : network;
        if (always || joined.containsKey(key) || joined.containsKey(network)) {
            runtime.disconnect(key, s.get().id());
        }
        forget(network, networkId);
    }

    /** Corral's container was detached from a network (an engine event), or the network is gone. */
    public void forget(String network, String networkId) {
        if (network != null) {
            joined.remove(network);
        }
        if (networkId != null) {
            joined.remove(networkId);
            locks.remove(networkId);
        }
    }

    /**
     * Why the engine would not mount what Corral checked at {@code hostPath}, or null when it would:
     * always on the host; in a container only for a path in a directory mounted from the same path
     * on the host.
     */
    public String hostPathProblem(String hostPath) {
        Optional<SelfContainer> s = self();
        if (s.isEmpty()) {
            return null;
        }
        Path p = Path.of(hostPath).normalize();
        if (s.get().sameOnHost(p) != null) {
            return null;
        }
        Path source = s.get().hostSource(p);
        return hostPath + (source == null
                ? " is not in a directory mounted into Corral's container"
                : " is mounted into Corral's container from " + source + " on the host, another path")
                + "; Corral checks the path in its container and the engine mounts the host's, so the code root must be"
                + " mounted at the same path in both (-v /srv/corral/agents:/srv/corral/agents:ro)";
    }
}
