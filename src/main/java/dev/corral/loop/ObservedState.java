package dev.corral.loop;

import dev.corral.ownership.Ownership;
import dev.corral.runtime.Labels;
import dev.corral.runtime.ObservedContainer;
import dev.corral.runtime.ObservedNetwork;
import dev.corral.runtime.ObservedVolume;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Corral's picture of the engine: refreshed whole by each resync (one list call per resource
 * type), patched by the executor after each action and by engine events in between. It may be
 * briefly stale; that is safe because names are deterministic (a stale "missing" makes a create
 * that answers 409, which is resolved by adopting) and removal of a missing thing succeeds.
 */
public final class ObservedState {

    private final Map<String, ObservedContainer> containers = new ConcurrentHashMap<>();
    private final Map<String, ObservedNetwork> networks = new ConcurrentHashMap<>();
    private final Map<String, ObservedVolume> volumes = new ConcurrentHashMap<>();
    /**
     * The ids of each owner's containers, so that an object's reconcile finds its own without a walk over
     * every container (a walk per reconcile made a resync's work grow with the square of the containers).
     * A container id enters it before the container enters {@link #containers} and leaves it after, so
     * every container a reader can see is indexed; a stale id is skipped by the lookup.
     */
    private final Map<ObjectKey, Set<String>> idsByOwner = new ConcurrentHashMap<>();
    private volatile boolean loaded;
    private final LastRuns lastRuns = new LastRuns();

    /** When each container entry was last changed by an event or an action, and when entries were removed. */
    private final Map<String, Long> touched = new ConcurrentHashMap<>();
    private final Map<String, Long> removed = new ConcurrentHashMap<>();
    /**
     * A state an event gave a container not yet in the picture, and when: a container that dies while the
     * first list of a starting (or newly leading) Corral is on its way is otherwise listed as running, and
     * stays so until the next resync (seen: a relic killed as a replica took over stayed dead for 25 s).
     */
    private final Map<String, Stamped> early = new ConcurrentHashMap<>();

    private record Stamped(String state, long at) {
    }

    /** A clock for {@link #replace}: read it before listing. */
    public static long stamp() {
        return System.nanoTime();
    }

    /**
     * Replaces the picture with what was listed from {@code listedAt} on. A container changed or
     * removed after that (by an event or an action) keeps its newer state: a slow list must not
     * put back a "created" container that has since run, nor one that is gone.
     */
    public synchronized void replace(long listedAt, List<ObservedContainer> c, List<ObservedNetwork> n,
                                     List<ObservedVolume> v) {
        Map<String, ObservedContainer> newer = new java.util.HashMap<>();
        containers.forEach((id, x) -> {
            Long t = touched.get(id);
            if (t != null && t - listedAt > 0) {
                newer.put(id, x);
            }
        });
        Map<String, ObservedContainer> listed = new java.util.HashMap<>();
        for (ObservedContainer x : c) {
            Long r = removed.get(x.id());
            if (r == null || r - listedAt <= 0) {
                Stamped e = early.get(x.id());
                listed.put(x.id(), e != null && e.at() - listedAt > 0 ? x.withState(e.state()) : x);
            }
        }
        listed.putAll(newer);
        List<ObservedContainer> before = List.copyOf(containers.values());
        listed.values().forEach(this::index);
        swapIn(containers, listed);
        lastRuns.retain(containers.keySet());
        before.stream().filter(x -> !containers.containsKey(x.id())).forEach(this::unindex);
        touched.entrySet().removeIf(e -> e.getValue() - listedAt <= 0);
        removed.entrySet().removeIf(e -> e.getValue() - listedAt <= 0);
        early.entrySet().removeIf(e -> e.getValue().at() - listedAt <= 0);
        Map<String, ObservedNetwork> listedNetworks = new java.util.HashMap<>();
        n.forEach(x -> listedNetworks.put(x.name(), x));
        swapIn(networks, listedNetworks);
        Map<String, ObservedVolume> listedVolumes = new java.util.HashMap<>();
        v.forEach(x -> listedVolumes.put(x.name(), x));
        swapIn(volumes, listedVolumes);
        loaded = true;
    }

    /**
     * Makes {@code current} hold what {@code next} holds without ever lacking an entry both have: the
     * readers (the workers, the stats sampler) do not lock, and a map cleared and filled again showed
     * them, for an instant, an engine with nothing on it (a running run's container "missing").
     */
    private static <V> void swapIn(Map<String, V> current, Map<String, V> next) {
        current.putAll(next);
        current.keySet().retainAll(next.keySet());
    }

    /** True once a first resync has listed the engine. */
    public boolean loaded() {
        return loaded;
    }

    // The writers are synchronized with replace: a change made while a resync swaps the picture in must
    // neither be overwritten by the older list nor lose its container's id from the index.
    public synchronized void put(ObservedContainer c) {
        index(c);
        containers.put(c.id(), c);
        touched.put(c.id(), stamp());
    }

    public synchronized void removeContainer(String id) {
        ObservedContainer gone = containers.remove(id);
        if (gone != null) {
            unindex(gone);
        }
        touched.remove(id);
        removed.put(id, stamp());
        lastRuns.forget(id);
    }

    /** How each container's latest run went, from the event stream. */
    public LastRuns lastRuns() {
        return lastRuns;
    }

    private void index(ObservedContainer c) {
        ObjectKey owner = Ownership.ownerOf(c.labels());
        if (owner != null) {
            idsByOwner.compute(owner, (k, ids) -> {
                Set<String> s = ids == null ? ConcurrentHashMap.newKeySet() : ids;
                s.add(c.id());
                return s;
            });
        }
    }

    private void unindex(ObservedContainer c) {
        ObjectKey owner = Ownership.ownerOf(c.labels());
        if (owner != null) {
            idsByOwner.computeIfPresent(owner, (k, ids) -> {
                ids.remove(c.id());
                return ids.isEmpty() ? null : ids;
            });
        }
    }

    /**
     * Records a new state word for a container (from an event or an action); for one not in the picture
     * yet, the next list that was taken before it shows it in this state.
     */
    public synchronized void setState(String id, String state) {
        if (containers.computeIfPresent(id, (k, c) -> c.withState(state)) != null) {
            touched.put(id, stamp());
        } else {
            early.put(id, new Stamped(state, stamp()));
        }
    }

    /** Records that a container joined ({@code networkId} non-null) or left a network. */
    public synchronized void setNetwork(String containerId, String network, String networkId) {
        containers.computeIfPresent(containerId, (k, c) -> {
            Map<String, String> n = new java.util.HashMap<>(c.networks() == null ? Map.of() : c.networks());
            if (networkId == null) {
                n.remove(network);
            } else {
                n.put(network, networkId);
            }
            return c.withNetworks(n);
        });
        touched.put(containerId, stamp());
    }

    public Optional<ObservedContainer> container(String id) {
        return Optional.ofNullable(containers.get(id));
    }

    public void put(ObservedNetwork n) {
        networks.put(n.name(), n);
    }

    public void removeNetwork(String name) {
        networks.remove(name);
    }

    public void removeNetworkById(String id) {
        networks.values().removeIf(n -> n.id().equals(id));
    }

    public void put(ObservedVolume v) {
        volumes.put(v.name(), v);
    }

    public void removeVolume(String name) {
        volumes.remove(name);
    }

    public Optional<ObservedNetwork> network(String name) {
        return Optional.ofNullable(networks.get(name));
    }

    public Set<String> volumeNames() {
        return new HashSet<>(volumes.keySet());
    }

    public Collection<ObservedNetwork> networks() {
        return List.copyOf(networks.values());
    }

    /** Containers whose labels name this object, in name order. */
    public List<ObservedContainer> containersOf(ObjectKey key) {
        List<ObservedContainer> out = new ArrayList<>();
        for (String id : idsByOwner.getOrDefault(key, Set.of())) {
            ObservedContainer c = containers.get(id);
            if (c != null && key.equals(Ownership.ownerOf(c.labels()))) {
                out.add(c);
            }
        }
        out.sort(java.util.Comparator.comparing(ObservedContainer::name).thenComparing(ObservedContainer::id));
        return out;
    }

    public List<ObservedContainer> containersInSession(String session) {
        return containers.values().stream().filter(c -> session.equals(c.label(Labels.SESSION)))
                .sorted(java.util.Comparator.comparing(ObservedContainer::name)).toList();
    }

    public List<ObservedVolume> volumesInSession(String session) {
        return volumes.values().stream().filter(v -> session.equals(v.label(Labels.SESSION))
                        && !Kind.Agent.name().equals(v.label(Labels.KIND)))
                .sorted(java.util.Comparator.comparing(ObservedVolume::name)).toList();
    }

    public List<ObservedVolume> volumesOf(ObjectKey agent) {
        return volumes.values().stream().filter(v -> Kind.Agent.name().equals(v.label(Labels.KIND))
                        && agent.name().equals(v.label(Labels.NAME)))
                .sorted(java.util.Comparator.comparing(ObservedVolume::name)).toList();
    }

    /** Every object that owns something on the engine: resync reconciles these too, so garbage is found. */
    public Set<ObjectKey> owners() {
        Set<ObjectKey> keys = new HashSet<>();
        containers.values().forEach(c -> add(keys, Ownership.ownerOf(c.labels())));
        networks.values().forEach(n -> add(keys, Ownership.ownerOf(n.labels())));
        volumes.values().forEach(v -> add(keys, Ownership.ownerOf(v.labels())));
        return keys;
    }

    public int containerCount() {
        return containers.size();
    }

    public List<ObservedContainer> containers() {
        return List.copyOf(containers.values());
    }

    private static void add(Set<ObjectKey> keys, ObjectKey k) {
        if (k != null) {
            keys.add(k);
        }
    }

}
