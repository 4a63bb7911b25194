package dev.corral.swarm;

import dev.corral.runtime.Labels;
import dev.corral.runtime.ObservedNode;
import dev.corral.runtime.ObservedService;
import dev.corral.runtime.ObservedTask;
import dev.corral.runtime.ServiceRequest;
import dev.corral.runtime.ServiceRuntime;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What one look at the Swarm wakes: owners of changed tasks, everyone on a node change, the owner of a removed service. */
class SwarmWatcherTest {

    /** The Swarm as the watcher lists it; the tests change it between looks. */
    static final class FakeSwarm implements ServiceRuntime {
        List<ObservedService> services = new ArrayList<>();
        List<ObservedTask> tasks = new ArrayList<>();
        List<ObservedNode> nodes = new ArrayList<>();

        @Override public Optional<ObservedService> inspectService(String name) { return Optional.empty(); }
        @Override public List<ObservedService> listServices() { return List.copyOf(services); }
        @Override public String createService(ServiceRequest request) { throw new UnsupportedOperationException(); }
        @Override public void updateService(ObservedService current, ServiceRequest request) { throw new UnsupportedOperationException(); }
        @Override public boolean matches(ObservedService current, ServiceRequest request) { return true; }
        @Override public void removeService(String idOrName) { throw new UnsupportedOperationException(); }
        @Override public List<ObservedTask> tasks(String serviceId) { return List.of(); }
        @Override public List<ObservedTask> runningTasks() { return List.copyOf(tasks); }
        @Override public List<ObservedNode> nodes() { return List.copyOf(nodes); }
        @Override public dev.corral.runtime.Logs serviceLogs(String id, long max) { throw new UnsupportedOperationException(); }
    }

    static ObservedService service(String id, String relic) {
        return new ObservedService(id, "corral-relic-s1-" + relic, 1, Map.of(Labels.MANAGED, "true", Labels.KIND, "Relic",
                Labels.NAME, relic, Labels.SESSION, "s1"), 1, "d");
    }

    static ObservedTask task(String id, String service, String state, String node) {
        return new ObservedTask(id, service, node, state, "running", null, null, null, Instant.EPOCH, Map.of());
    }

    static ObjectKey key(String relic) {
        return ObjectKey.of(Kind.Relic, "s1", relic);
    }

    @Test
    void wakesTheOwnersOfWhatChanged() {
        FakeSwarm swarm = new FakeSwarm();
        List<ObjectKey> woken = new ArrayList<>();
        SwarmWatcher watcher = new SwarmWatcher(swarm, Duration.ofSeconds(1), woken::add);
        swarm.nodes.add(new ObservedNode("n1", "node1", "ready", "active"));
        swarm.nodes.add(new ObservedNode("n2", "node2", "ready", "active"));
        swarm.services.add(service("a", "web"));
        swarm.services.add(service("b", "db"));
        swarm.tasks.add(task("t1", "a", "running", "n1"));
        swarm.tasks.add(task("t2", "b", "running", "n2"));
        watcher.look();
        assertEquals(2, woken.size(), "the first look wakes every owner: " + woken);

        woken.clear();
        watcher.look();
        assertEquals(List.of(), woken, "nothing changed");

        swarm.tasks.set(1, task("t2", "b", "failed", "n2"));
        watcher.look();
        assertEquals(List.of(key("db")), woken, "db's task changed");

        woken.clear();
        swarm.nodes.set(1, new ObservedNode("n2", "node2", "down", "active"));
        watcher.look();
        assertEquals(2, woken.size(), "a node changed: every owner: " + woken);
        assertEquals("down", watcher.nodes().get("n2").state());

        woken.clear();
        swarm.services.remove(0);
        watcher.look();
        assertEquals(List.of(key("web")), woken, "web's service was removed behind Corral's back");
    }
}
