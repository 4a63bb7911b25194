package dev.corral.swarm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.events.EventRecorder;
import dev.corral.runs.RunFixtures;
import dev.corral.runtime.Labels;
import dev.corral.runtime.Logs;
import dev.corral.runtime.NameConflictException;
import dev.corral.runtime.ObservedNode;
import dev.corral.runtime.ObservedService;
import dev.corral.runtime.ObservedTask;
import dev.corral.runtime.ServiceRequest;
import dev.corral.runtime.ServiceRuntime;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.store.ApplyOptions;
import dev.corral.store.FileSpecStore;
import dev.corral.testing.FakeRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ToolRuns as Swarm jobs, against an in-memory Swarm: the calls made, and how each end is told. */
class SwarmRunReconcilerTest {

    /** Services by name, each one's tasks oldest first, the nodes; every changing call recorded. */
    static final class JobSwarm implements ServiceRuntime {
        final Map<String, ObservedService> services = new HashMap<>();
        final Map<String, List<ObservedTask>> tasks = new HashMap<>();
        final Map<String, ServiceRequest> requests = new HashMap<>();
        final List<ObservedNode> nodes = new ArrayList<>();
        final List<String> calls = new ArrayList<>();
        Logs logs = new Logs("", false, "", false);
        /** Called as a service is made: what the test wants to know of that moment. */
        Runnable atCreate = () -> { };

        @Override public Optional<ObservedService> inspectService(String name) { return Optional.ofNullable(services.get(name)); }
        @Override public List<ObservedService> listServices() { return List.copyOf(services.values()); }
        @Override public String createService(ServiceRequest r) {
            calls.add("create " + r.name());
            atCreate.run();
            if (services.containsKey(r.name())) {
                throw new NameConflictException(r.name(), null);
            }
            Map<String, String> stamped = new HashMap<>(r.labels());
            stamped.put(Labels.INSTANCE, "test"); // as the runtime stamps every service
            services.put(r.name(), new ObservedService("id-" + r.name(), r.name(), 1, stamped, 1, ""));
            requests.put(r.name(), r);
            return "id-" + r.name();
        }
        @Override public void updateService(ObservedService current, ServiceRequest request) { throw new UnsupportedOperationException(); }
        @Override public boolean matches(ObservedService current, ServiceRequest request) { return true; }
        @Override public void removeService(String idOrName) {
            calls.add("remove " + idOrName);
            services.values().removeIf(s -> s.id().equals(idOrName) || s.name().equals(idOrName));
        }
        @Override public List<ObservedTask> tasks(String serviceId) {
            List<ObservedTask> t = new ArrayList<>(tasks.getOrDefault(serviceId, List.of()));
            java.util.Collections.reverse(t); // newest first, as the manager's listing is sorted
            return t;
        }
        @Override public List<ObservedTask> runningTasks() { return List.of(); }
        @Override public List<ObservedNode> nodes() { return List.copyOf(nodes); }
        @Override public Logs serviceLogs(String id, long max) { return logs; }

        void task(String service, String id, String node, String state, Integer exit) {
            tasks.computeIfAbsent("id-" + service, k -> new ArrayList<>()).add(new ObservedTask(id, "id-" + service, node,
                    state, "running", null, "c-" + id, exit, Instant.now(), Map.of()));
        }
    }

    @TempDir
    Path dir;
    Instant now = Instant.parse("2026-12-07T10:00:00Z");
    FileSpecStore store;
    JobSwarm swarm = new JobSwarm();
    SwarmWatcher watcher;
    SwarmRunReconciler runs;
    FakeRuntime manager = new FakeRuntime();
    static final ObjectKey RUN = ObjectKey.of(Kind.ToolRun, null, "r1");
    static final String SERVICE = "corral-toolrun-r1";

    @BeforeEach
    void setUp() {
        store = FileSpecStore.open(dir, Clock.systemUTC(), Long.MAX_VALUE / 4);
        Clock clock = new Clock() {
            public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
            public Clock withZone(java.time.ZoneId zone) { return this; }
            public Instant instant() { return now; }
        };
        swarm.nodes.add(new ObservedNode("n1", "corral-node1", "ready", "active"));
        swarm.nodes.add(new ObservedNode("n2", "corral-node2", "ready", "active"));
        watcher = new SwarmWatcher(swarm, java.time.Duration.ofHours(1), k -> { });
        runs = new SwarmRunReconciler(swarm, manager, store, watcher, new EventRecorder(100, clock),
                RunFixtures.config(0, 4), clock, "test");
        store.apply(List.of(RunFixtures.tool("echo", """
                {"image": "corral/busybox:latest", "command": ["sh", "-c", "echo $CORRAL_PARAM_WORD"],
                 "placement": {"constraints": ["node.role==worker"]}}""")), ApplyOptions.api(false));
        store.apply(List.of(RunFixtures.run("r1", "{\"tool\": \"echo\", \"parameters\": {\"word\": \"hi\"}, \"timeoutSeconds\": 30}")),
                ApplyOptions.api(false));
    }

    @AfterEach
    void tearDown() {
        watcher.close();
        store.close();
    }

    void reconcile() {
        runs.reconcile(RUN, store.get(RUN).orElse(null));
    }

    ObjectNode status() {
        return store.get(RUN).orElseThrow().status();
    }

    @Test
    void theStartIsRecordedBeforeItsOneServiceIsMadeAndTheResultComesBackFromItsTask() {
        List<String> phaseAtCreate = new ArrayList<>();
        swarm.atCreate = () -> phaseAtCreate.add(status().path("phase").asText() + " " + status().path("service").asText());
        reconcile();
        assertEquals(List.of("Running " + SERVICE), phaseAtCreate, "recorded first, made next");
        assertEquals(List.of("create " + SERVICE), swarm.calls);
        ServiceRequest job = swarm.requests.get(SERVICE);
        assertEquals(ServiceRequest.Restart.Condition.NONE, job.restart().condition());
        assertEquals(List.of("node.role==worker"), job.constraints());
        assertEquals("hi", job.container().env().get("CORRAL_PARAM_WORD"));
        assertEquals("id-" + SERVICE, status().path("serviceId").asText());

        swarm.task(SERVICE, "t1", "n2", "running", null);
        reconcile();
        assertEquals("corral-node2", status().path("node").asText());
        swarm.tasks.clear();
        swarm.task(SERVICE, "t1", "n2", "complete", 0);
        swarm.logs = new Logs("hi\n\u001ecorral-end\n", false,
                "\u001ecorral-report {\"exitCode\":0,\"cpuNanos\":1000,\"memoryPeakBytes\":4096,\"oomKills\":0,\"outputEntries\":0}\n",
                false);
        reconcile();
        assertEquals("Succeeded", status().path("phase").asText(), status().toString());
        assertEquals("hi\n", status().path("stdout").asText());
        assertEquals("", status().path("stderr").asText());
        assertEquals(List.of("create " + SERVICE, "remove id-" + SERVICE), swarm.calls);
        reconcile();
        assertEquals(2, swarm.calls.size(), "a finished run's job is not touched again");
    }

    @Test
    void aRunWithoutANetworkGetsAnInternalNetworkOfItsOwnThatGoesWithIt() {
        reconcile();
        assertTrue(manager.actions().stream().anyMatch(a -> a.toString().equals("create-network " + SERVICE)),
                manager.actions().toString());
        assertTrue(manager.listNetworks().stream().anyMatch(n -> n.name().equals(SERVICE) && n.internal()));
        assertEquals(SERVICE, swarm.requests.get(SERVICE).container().network(), "its task joins it, and nothing else");
        swarm.task(SERVICE, "t1", "n2", "complete", 0);
        reconcile();
        assertEquals("Succeeded", status().path("phase").asText());
        reconcile();
        assertTrue(manager.listNetworks().stream().noneMatch(n -> n.name().equals(SERVICE)), "its network is gone");
        assertTrue(status().path("networkRemoved").asBoolean());
    }

    @Test
    void whatTheServiceApiCannotConfineIsRefusedNotWeakened() {
        store.apply(List.of(RunFixtures.tool("echo", """
                {"image": "corral/busybox:latest", "isolation": "strict"}""")), ApplyOptions.api(false));
        reconcile();
        assertEquals("Failed", status().path("phase").asText());
        assertTrue(status().path("message").asText().contains("runsc"), status().toString());
        assertEquals(List.of(), swarm.calls);
    }

    @Test
    void aRunStartedOnTheManagersEngineIsNotRunAgainAsAJob() {
        store.updateStatus(RUN, RunFixtures.json("{\"phase\": \"Running\", \"startedAt\": \"" + now
                + "\", \"containerId\": \"c1\", \"timeoutSeconds\": 30}"));
        reconcile();
        assertEquals("Failed", status().path("phase").asText());
        assertEquals(List.of(), swarm.calls);
    }

    /** A reconcile that stops (as Corral would) while the manager is asked for the service: the start is recorded. */
    void stopWhileMakingTheService() {
        swarm.atCreate = () -> {
            throw new IllegalStateException("Corral stops");
        };
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, this::reconcile);
        swarm.atCreate = () -> { };
    }

    @Test
    void aServiceMadeBeforeCorralStoppedIsAdoptedNotMadeTwice() {
        // Recorded as started, and Corral stopped as the service was being made, before it recorded its id.
        stopWhileMakingTheService();
        swarm.calls.clear();
        // The manager had made it.
        swarm.services.put(SERVICE, new ObservedService("id-" + SERVICE, SERVICE, 1,
                Map.of(Labels.UID, store.get(RUN).orElseThrow().metadata().uid(), Labels.INSTANCE, "test"), 1, ""));
        reconcile();
        assertEquals(List.of(), swarm.calls, "adopted: no second create");
        assertEquals("id-" + SERVICE, status().path("serviceId").asText());
    }

    @Test
    void recordedAsStartedButNeverMadeItIsMadeOnceThen() {
        stopWhileMakingTheService();
        String started = status().path("startedAt").asText();
        reconcile();
        assertEquals(List.of("create " + SERVICE, "create " + SERVICE), swarm.calls, "the one that failed, then the one made");
        assertEquals("id-" + SERVICE, status().path("serviceId").asText());
        assertEquals(started, status().path("startedAt").asText(), "its start is the first one recorded");
    }

    @Test
    void aRunWhoseNodeIsLostEndsFailedAndIsNotRunAgain() {
        reconcile();
        swarm.task(SERVICE, "t1", "n2", "running", null);
        reconcile();
        swarm.nodes.set(1, new ObservedNode("n2", "corral-node2", "down", "active"));
        watcher.refreshNodes();
        reconcile();
        assertEquals("Failed", status().path("phase").asText());
        assertTrue(status().path("message").asText().startsWith("node corral-node2 was lost while the run was on it"),
                status().toString());
        assertEquals(List.of("create " + SERVICE, "remove id-" + SERVICE), swarm.calls);
    }

    @Test
    void aSecondTaskOfItsJobStopsTheRun() {
        reconcile();
        swarm.task(SERVICE, "t1", "n2", "failed", null);
        swarm.task(SERVICE, "t2", "n1", "running", null);
        reconcile();
        assertEquals("Failed", status().path("phase").asText());
        assertTrue(status().path("message").asText().startsWith("Swarm started it a second time"), status().toString());
    }

    @Test
    void pastItsTimeoutItsJobIsRemovedAndItIsTimedOut() {
        reconcile();
        swarm.task(SERVICE, "t1", "n2", "running", null);
        now = now.plusSeconds(31);
        reconcile();
        assertEquals("TimedOut", status().path("phase").asText());
        assertEquals(List.of("create " + SERVICE, "remove id-" + SERVICE), swarm.calls);
    }

    @Test
    void aServiceRemovedBehindItsBackFailsTheRun() {
        reconcile();
        swarm.services.clear();
        reconcile();
        assertEquals("Failed", status().path("phase").asText());
        assertEquals("its Swarm service was removed while it ran (not run again)", status().path("message").asText());
        assertNull(swarm.services.get(SERVICE));
        assertEquals(List.of("create " + SERVICE), swarm.calls, "not made again");
    }

    /**
     * corral.engine.node-engines: a node's idle warm container takes the run (its status names the node, no job is
     * made); when no node has one the run is a Swarm job; the node lost, the warm run ends Failed.
     */
    @Test
    void aNodesWarmContainerTakesTheRunElseItIsAJobAndItsNodesLossFailsIt() throws Exception {
        FakeRuntime nodeEngine = new FakeRuntime();
        var config = RunFixtures.config(0, 4);
        Clock clock = Clock.systemUTC();
        EventRecorder events = new EventRecorder(100, clock);
        List<ObjectKey> woken = new java.util.concurrent.CopyOnWriteArrayList<>();
        NodeEngine.Parts parts = new NodeEngine.Parts() {
            @Override
            public dev.corral.runs.PoolReconciler pools(NodeEngine n) {
                return new dev.corral.runs.PoolReconciler(store, n.runtime, n.observed, n.pools, config, true, n.name);
            }

            @Override
            public dev.corral.runs.RunReconciler runs(NodeEngine n) {
                return new dev.corral.runs.RunReconciler(store, n.runtime, n.observed, n.slots, n.pools, config, dir,
                        clock, woken::add, (k, d) -> woken.add(k), events,
                        new dev.corral.runs.RunTimings(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()), n.name);
            }
        };
        NodeEngine node2 = new NodeEngine("corral-node2", nodeEngine, () -> { }, new dev.corral.runs.WarmPools(),
                new dev.corral.runs.RunSlots(4), parts, woken::add, () -> { }, java.time.Duration.ofMillis(50));
        NodeEngines nodes = new NodeEngines(List.of(node2));
        runs = new SwarmRunReconciler(swarm, manager, store, watcher, events, config, Clock.systemUTC(), "test", nodes,
                woken::add);
        NodePoolReconciler pools = new NodePoolReconciler(nodes, new dev.corral.runs.PoolReconciler(store, manager,
                new dev.corral.loop.ObservedState(), new dev.corral.runs.WarmPools(), config, false), watcher, store);
        ObjectKey tool = ObjectKey.of(Kind.Tool, null, "echo");
        try {
            // No pool yet: a job.
            reconcile();
            assertEquals(List.of("create " + SERVICE), swarm.calls);
            store.delete(RUN, null, null);
            reconcile();

            store.apply(List.of(RunFixtures.tool("echo", """
                    {"image": "corral/busybox:latest", "command": ["sh", "-c", "echo $CORRAL_PARAM_WORD"],
                     "pool": {"size": 1}, "placement": {"constraints": ["node.role==worker"]}}""")), ApplyOptions.api(false));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
                pools.reconcile(tool, store.get(tool).orElseThrow());
                return node2.pools.idleCount(tool) == 1;
            });
            var pool = store.get(tool).orElseThrow().status().path("pool");
            assertEquals(1, pool.path("ready").asInt(), pool.toString());
            assertEquals(1, pool.path("nodes").path("corral-node2").path("ready").asInt(), pool.toString());
            assertTrue(nodeEngine.listContainers().stream().allMatch(c -> "corral-node2".equals(c.label(Labels.NODE))));

            swarm.calls.clear();
            store.apply(List.of(RunFixtures.run("r1", "{\"tool\": \"echo\", \"parameters\": {\"word\": \"hi\"}}")),
                    ApplyOptions.api(false));
            reconcile();
            assertEquals("Running", status().path("phase").asText(), status().toString());
            assertEquals("corral-node2", status().path("node").asText());
            assertTrue(status().path("pooled").asBoolean());
            assertTrue(status().path("service").isMissingNode(), "no job: " + status());
            assertEquals(List.of(), swarm.calls);
            assertTrue(nodeEngine.actions().stream().anyMatch(a -> a.verb().equals("attach")), "given its run on node 2");

            // Swarm has node 2 down, and its engine answers: the node's reconciler decides (the run goes on).
            swarm.nodes.set(1, new ObservedNode("n2", "corral-node2", "down", "active"));
            watcher.refreshNodes();
            reconcile();
            assertEquals("Running", status().path("phase").asText(), status().toString());

            // Its engine gone too: the warm run ends Failed, and is not run anywhere again; its claim let go.
            nodeEngine.down = new IllegalStateException("engine gone");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> !node2.usable());
            reconcile();
            assertEquals("Failed", status().path("phase").asText(), status().toString());
            assertTrue(status().path("message").asText().contains("node corral-node2 was lost"), status().toString());
            assertEquals(List.of(), swarm.calls);
            assertTrue(node2.pools.claimants().isEmpty(), "its container is no run's: the node's pool removes it later");
        } finally {
            nodes.close();
        }
    }
}
