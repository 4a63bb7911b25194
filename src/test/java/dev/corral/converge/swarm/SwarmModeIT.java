package dev.corral.converge.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.spec.Json;
import dev.corral.support.CorralProcess;
import dev.corral.support.Docker;
import dev.corral.testing.EngineTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code corral.engine.mode=swarm} on a real Swarm of three nodes on this machine ({@code deploy/swarm-lab.sh}:
 * three dockerd processes in network namespaces, node 1 the manager): relics become services placed across
 * the nodes, reach each other and a tool run by name over the session's overlay network, come back when
 * removed or scaled behind Corral's back, are adopted (not re-created) by a restarted Corral, move to
 * another node when theirs is lost (status and an event say so), and go with their session.
 */
@EngineTest
class SwarmModeIT {

    /** The lab of this test: names and addresses of its own, apart from a developer's ({@code sw}). */
    private static final String LAB = "swt";
    private static final String MANAGER = "unix:///run/corral-" + LAB + "/node1.sock";
    private static final Duration CONVERGE = Duration.ofSeconds(120);

    private final String id = UUID.randomUUID().toString().substring(0, 6);
    private final Path tmp = Path.of("target", "swarm-it-" + id);
    private final String instance = "sw-" + id;
    private final String session = "sw" + id;

    @BeforeAll
    static void lab() throws Exception {
        // Network namespaces, a bridge and dockerd processes: root only (as CI and deploy/setup.sh run).
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "the Swarm lab needs root");
        lab("up", "3", "corral/busybox:latest");
    }

    @AfterAll
    static void labDown() throws Exception {
        lab("down");
    }

    private static void lab(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("bash", "deploy/swarm-lab.sh"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("CORRAL_SWARM_ID", LAB);
        pb.environment().put("CORRAL_SWARM_NET", "10.199.214");
        int exit = pb.start().waitFor();
        assertEquals(0, exit, "deploy/swarm-lab.sh " + String.join(" ", args));
    }

    /** {@code docker} against the Swarm's manager. */
    private static String swarm(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "-H";
        all[1] = MANAGER;
        System.arraycopy(args, 0, all, 2, args.length);
        return Docker.run(all);
    }

    private CorralProcess corral(String... more) throws IOException {
        Files.createDirectories(tmp);
        List<String> args = new java.util.ArrayList<>(List.of("-Dcorral.instance=" + instance,
                "-Dcorral.engine.mode=swarm", "-Dcorral.docker.host=" + MANAGER, "-Dcorral.restart.stop-grace=2s"));
        args.addAll(List.of(more));
        return CorralProcess.start(tmp.resolve("corral"), args.toArray(String[]::new));
    }

    private String specs() {
        return """
                apiVersion: corral.dev/v1
                kind: Session
                metadata: {name: %1$s}
                spec: {}
                ---
                apiVersion: corral.dev/v1
                kind: Relic
                metadata: {name: web, session: %1$s}
                spec:
                  image: corral/busybox:latest
                  command: [sh, -c, "echo hello > /tmp/i && exec httpd -f -p 8080 -h /tmp"]
                  port: 8080
                  health: {http: {path: /i, port: 8080}, periodSeconds: 1}
                  placement: {constraints: ["node.role==worker"]}
                ---
                apiVersion: corral.dev/v1
                kind: Relic
                metadata: {name: client, session: %1$s}
                spec:
                  image: corral/busybox:latest
                  command: [sleep, "100000"]
                  placement: {constraints: ["node.hostname==corral-node1"]}
                ---
                apiVersion: corral.dev/v1
                kind: Tool
                metadata: {name: fetch-%1$s}
                spec:
                  image: corral/busybox:latest
                  command: [wget, -q, -O, -, "http://web:8080/i"]
                  network: session
                """.formatted(session);
    }

    private static JsonNode relic(CorralProcess c, String session, String name) throws IOException {
        var items = Json.MAPPER.readTree(c.get("/specs?kind=relic&session=" + session).body()).get("items");
        for (JsonNode i : items) {
            if (name.equals(i.at("/metadata/name").asText())) {
                return i;
            }
        }
        return null;
    }

    private String phase(CorralProcess c, String name) throws IOException {
        JsonNode r = relic(c, session, name);
        return r == null ? null : r.at("/status/phase").asText(null);
    }

    private String node(CorralProcess c, String name) throws IOException {
        return relic(c, session, name).at("/status/node").asText(null);
    }

    private String service(String name) {
        return "corral-relic-" + session + "-" + name;
    }

    /** Where Swarm runs the service's task, as Swarm itself says. */
    private String swarmNode(String name) {
        return swarm("service", "ps", "--filter", "desired-state=running", "--format", "{{.Node}}", service(name)).trim();
    }

    /** The ids of this test's instance's services. */
    private String ids() {
        return swarm("service", "ls", "-q", "--filter", "label=corral.dev/instance=" + instance).lines().sorted()
                .collect(java.util.stream.Collectors.joining(" "));
    }

    @Test
    void relicsAreServicesAcrossNodesThatHealDriftSurviveARestartAndMoveOffALostNode() throws Exception {
        lab("up", "3", "corral/busybox:latest"); // every node back, whatever another test stopped
        CorralProcess corral = corral();
        try {
            var put = corral.putYaml(specs());
            assertEquals(200, put.statusCode(), put.body());
            await().atMost(CONVERGE).until(() -> "Ready".equals(phase(corral, "web")) && "Ready".equals(phase(corral, "client")));

            // Placed by Swarm as the spec says, and the status says where.
            assertEquals("corral-node1", node(corral, "client"));
            String webNode = node(corral, "web");
            assertTrue(Set.of("corral-node2", "corral-node3").contains(webNode), webNode);
            assertEquals(webNode, swarmNode("web"));
            assertEquals("true", swarm("service", "inspect", "-f", "{{index .Spec.Labels \"corral.dev/managed\"}}", service("web")));
            String net = "corral-session-" + session;
            assertEquals("overlay true true", swarm("network", "inspect", "-f", "{{.Driver}} {{.Attachable}} {{.Internal}}", net));

            // A tool run (on the manager's engine) reaches the relic on a worker by its name, over the overlay.
            var run = corral.post("/runs?wait=true", "{\"tool\": \"fetch-" + session + "\", \"session\": \"" + session
                    + "\", \"timeoutSeconds\": 60}");
            JsonNode result = Json.MAPPER.readTree(run.body());
            assertEquals("Succeeded", result.at("/status/phase").asText(), run.body());
            assertEquals("hello\n", result.at("/status/stdout").asText());

            // Drift: a service removed, another scaled to zero, a third's environment changed, behind Corral's back:
            // all come back as the specs say, on new tasks.
            String clientTask = relic(corral, session, "client").at("/status/taskId").asText();
            String webTask = relic(corral, session, "web").at("/status/taskId").asText();
            swarm("service", "rm", service("client"));
            swarm("service", "scale", "--detach", service("web") + "=0");
            await().atMost(CONVERGE).until(() -> swarm("service", "ls", "-q", "--filter", "name=" + service("client")).length() > 0
                    && "1".equals(swarm("service", "inspect", "-f", "{{.Spec.Mode.Replicated.Replicas}}", service("web"))));
            await().atMost(CONVERGE).until(() -> "Ready".equals(phase(corral, "web")) && "Ready".equals(phase(corral, "client"))
                    && !clientTask.equals(relic(corral, session, "client").at("/status/taskId").asText())
                    && !webTask.equals(relic(corral, session, "web").at("/status/taskId").asText()));
            swarm("service", "update", "--detach", "--env-add", "INTRUDER=1", service("client"));
            await().atMost(CONVERGE).until(() -> !swarm("service", "inspect", "-f", "{{json .Spec.TaskTemplate.ContainerSpec.Env}}",
                    service("client")).contains("INTRUDER") && "Ready".equals(phase(corral, "client")));

            // A restarted Corral adopts the services: none made again (same ids), none updated (no Created or Updated
            // event; versions are no witness: Swarm bumps them itself when it records a finished rollout).
            String ids = ids();
            corral.kill();
            CorralProcess again = corral();
            try {
                await().atMost(CONVERGE).until(() -> "Ready".equals(phase(again, "web")) && "Ready".equals(phase(again, "client")));
                assertEquals(ids, ids());
                String adoptedEvents = again.get("/events?limit=200").body();
                assertTrue(!adoptedEvents.contains("\"reason\":\"Updated\"") && !adoptedEvents.contains("\"reason\":\"Created\""),
                        adoptedEvents);

                // The node running web is lost: Swarm places it on the other worker; status and an event say so.
                String lost = node(again, "web");
                long lostAt = System.nanoTime();
                lab("stop-node", lost.substring(lost.length() - 1));
                await().atMost(CONVERGE).pollInterval(Duration.ofMillis(250)).until(() ->
                        "Ready".equals(phase(again, "web")) && !lost.equals(node(again, "web")));
                System.out.printf("node lost to relic Ready on another node: %d ms%n", (System.nanoTime() - lostAt) / 1_000_000);
                // Swarm's own listing agrees (it may lag the status by a moment: both are views of one change).
                await().atMost(Duration.ofSeconds(30)).until(() -> node(again, "web").equals(swarmNode("web")));
                String events = again.get("/events?limit=200").body();
                assertTrue(events.contains("\"reason\":\"Rescheduled\"") && events.contains("node " + lost + " is down"), events);
                // Reached by name on its new node.
                var after = again.post("/runs?wait=true", "{\"tool\": \"fetch-" + session + "\", \"session\": \"" + session
                        + "\", \"timeoutSeconds\": 60}");
                assertEquals("hello\n", Json.MAPPER.readTree(after.body()).at("/status/stdout").asText(), after.body());

                // The session goes, and everything with it.
                assertEquals(200, again.delete("/specs/session/" + session).statusCode());
                await().atMost(CONVERGE).until(() -> swarm("service", "ls", "-q", "--filter", "label=corral.dev/instance=" + instance).isEmpty()
                        && swarm("network", "ls", "-q", "--filter", "label=corral.dev/instance=" + instance).isEmpty());
            } finally {
                again.close();
            }
        } finally {
            corral.kill();
            removeServices();
        }
    }

    /** Whatever a failure left: this test's instance label names only its own. */
    private void removeServices() {
        for (String s : Docker.tryRun("-H", MANAGER, "service", "ls", "-q", "--filter", "label=corral.dev/instance=" + instance)
                .output().split("\\s+")) {
            if (!s.isBlank()) {
                Docker.tryRun("-H", MANAGER, "service", "rm", s);
            }
        }
    }

    private static JsonNode run(CorralProcess c, String name) throws IOException {
        return Json.MAPPER.readTree(c.get("/runs/" + name).body());
    }

    /**
     * {@code corral.engine.runs=swarm}: tool runs are Swarm jobs placed on the workers, their output and exit
     * code brought back through the manager, their service removed once collected; a run past its timeout is
     * stopped; a run whose node is lost ends Failed, and is not run again.
     */
    @Test
    void toolRunsAreSwarmJobsThatEndFailedWhenTheirNodeIsLost() throws Exception {
        lab("up", "3", "corral/busybox:latest"); // every node back, whatever another test stopped
        CorralProcess corral = corral("-Dcorral.engine.runs=swarm");
        try {
            var put = corral.putYaml("""
                    apiVersion: corral.dev/v1
                    kind: Tool
                    metadata: {name: echo-%1$s}
                    spec:
                      image: corral/busybox:latest
                      command: [sh, -c, "grep -c word /workspace/data/input.json; echo $CORRAL_PARAM_WORD; echo to-stderr >&2; timeout 3 nc -w 2 10.199.214.11 2377 </dev/null 2>/dev/null && echo reached || echo isolated"]
                      placement: {constraints: ["node.role==worker"]}
                    ---
                    apiVersion: corral.dev/v1
                    kind: Tool
                    metadata: {name: sleeper-%1$s}
                    spec:
                      image: corral/busybox:latest
                      command: [sleep, "300"]
                      timeoutSeconds: 120
                      placement: {constraints: ["node.role==worker"]}
                    """.formatted(id));
            assertEquals(200, put.statusCode(), put.body());

            // A job on a worker: its parameters in, its stdout, stderr and exit code out; its service gone after.
            var done = corral.post("/runs?wait=true", "{\"tool\": \"echo-" + id + "\", \"parameters\": {\"word\": \"hello\"}}");
            JsonNode ok = Json.MAPPER.readTree(done.body());
            assertEquals("Succeeded", ok.at("/status/phase").asText(), done.body());
            // network: none, as on one engine: not even the manager's address (a task on its node's bridge reaches it).
            assertEquals("1\nhello\nisolated\n", ok.at("/status/stdout").asText(), done.body());
            assertEquals("to-stderr\n", ok.at("/status/stderr").asText(), done.body());
            assertEquals(0, ok.at("/status/exitCode").asInt());
            assertTrue(Set.of("corral-node2", "corral-node3").contains(ok.at("/status/node").asText()), done.body());
            String jobService = ok.at("/status/service").asText();
            assertTrue(swarm("service", "ls", "-q", "--filter", "name=" + jobService).isEmpty(), "the job's service is removed");

            // Past its timeout: stopped, TimedOut.
            var late = corral.post("/runs?wait=true", "{\"tool\": \"sleeper-" + id + "\", \"timeoutSeconds\": 3}");
            JsonNode timedOut = Json.MAPPER.readTree(late.body());
            assertEquals("TimedOut", timedOut.at("/status/phase").asText(), late.body());

            // Its node lost while it runs: Failed, with the reason; its service removed; not run anywhere again.
            var started = corral.post("/runs", "{\"tool\": \"sleeper-" + id + "\"}");
            String name = Json.MAPPER.readTree(started.body()).at("/metadata/name").asText();
            await().atMost(CONVERGE).until(() -> run(corral, name).at("/status/message").asText("").startsWith("a Swarm job, running on"));
            String node = run(corral, name).at("/status/node").asText();
            String service = run(corral, name).at("/status/service").asText();
            long lostAt = System.nanoTime();
            lab("stop-node", node.substring(node.length() - 1));
            await().atMost(CONVERGE).pollInterval(Duration.ofMillis(250)).until(() -> "Failed".equals(run(corral, name).at("/status/phase").asText()));
            System.out.printf("node lost to its run Failed: %d ms%n", (System.nanoTime() - lostAt) / 1_000_000);
            JsonNode lost = run(corral, name);
            assertTrue(lost.at("/status/message").asText().contains("node " + node + " was lost"), lost.toString());
            assertTrue(swarm("service", "ls", "-q", "--filter", "name=" + service).isEmpty(), "the lost job's service is removed");
            assertTrue(swarm("service", "ls", "-q", "--filter", "label=corral.dev/instance=" + instance).isEmpty());
        } finally {
            corral.kill();
            removeServices();
        }
    }

    /** A lab node's engine, as {@code corral.engine.node-engines} names it. */
    private static String node(int n) {
        return "corral-node" + n + "=unix:///run/corral-" + LAB + "/node" + n + ".sock";
    }

    /** Corral's warm containers at node {@code n}'s own engine. */
    private List<String> warmAt(int n) {
        String out = Docker.run("-H", "unix:///run/corral-" + LAB + "/node" + n + ".sock", "ps", "-q", "--filter",
                "label=corral.dev/instance=" + instance, "--filter", "label=corral.dev/node=corral-node" + n);
        return out.isBlank() ? List.of() : List.of(out.trim().split("\\s+"));
    }

    /**
     * {@code corral.engine.node-engines}: warm pools at the nodes' own engines, only where the Tool's placement
     * allows; a run takes a warm container on a node (its status names it; no Swarm job), locked down as on one
     * engine; the pools a killed Corral left are replaced, not trusted, by the next; a run in a warm container
     * whose node is lost ends Failed.
     */
    @Test
    void warmPoolsAtTheNodesEnginesTakeRunsAndEndFailedWhenTheirNodeIsLost() throws Exception {
        lab("up", "3", "corral/busybox:latest"); // every node back, whatever another test stopped
        String[] settings = {"-Dcorral.engine.runs=swarm", "-Dcorral.engine.node-engines=" + node(1) + "," + node(2)
                + "," + node(3)};
        CorralProcess first = corral(settings);
        CorralProcess[] current = {first};
        try {
            var put = first.putYaml("""
                    apiVersion: corral.dev/v1
                    kind: Tool
                    metadata: {name: warm-%1$s}
                    spec:
                      image: corral/busybox:latest
                      command: [sh, -c, "echo $CORRAL_PARAM_WORD; timeout 3 nc -w 2 10.199.214.11 2377 </dev/null 2>/dev/null && echo reached || echo isolated"]
                      pool: {size: 1}
                      placement: {constraints: ["node.role==worker"]}
                    ---
                    apiVersion: corral.dev/v1
                    kind: Tool
                    metadata: {name: held-%1$s}
                    spec:
                      image: corral/busybox:latest
                      command: [sh, -c, "echo started-on-$(hostname); sleep 300"]
                      timeoutSeconds: 120
                      pool: {size: 1}
                      placement: {constraints: ["node.hostname==corral-node3"]}
                    """.formatted(id));
            assertEquals(200, put.statusCode(), put.body());
            String tool = "/specs/tool/warm-" + id;
            await().atMost(CONVERGE).until(() -> Json.MAPPER.readTree(first.get(tool).body()).at("/status/pool/ready").asInt() == 2);
            JsonNode pool = Json.MAPPER.readTree(first.get(tool).body()).at("/status/pool");
            assertEquals(1, pool.at("/nodes/corral-node2/ready").asInt(), pool.toString());
            assertEquals(1, pool.at("/nodes/corral-node3/ready").asInt(), pool.toString());
            assertEquals(0, pool.at("/nodes/corral-node1/target").asInt(), "not on the manager: " + pool);
            await().atMost(CONVERGE).until(() -> warmAt(3).size() == 2); // the warm tool's, and held's (node 3 only)
            assertEquals(1, warmAt(2).size());
            assertEquals(0, warmAt(1).size());
            // GET /pools: one entry per pool and node.
            JsonNode pools = Json.MAPPER.readTree(first.get("/pools").body());
            java.util.Map<String, String> warmPools = new java.util.TreeMap<>();
            pools.forEach(p -> {
                if (p.path("pool").asText().equals("tool/warm-" + id)) {
                    warmPools.put(p.path("node").asText(), p.path("target").asInt() + "/" + p.path("idle").asInt());
                }
            });
            assertEquals(java.util.Map.of("corral-node1", "0/0", "corral-node2", "1/1", "corral-node3", "1/1"), warmPools,
                    pools.toString());

            // Runs in the nodes' warm containers: parameters in, output out, no network, no Swarm job.
            for (int i = 0; i < 4; i++) {
                long t0 = System.nanoTime();
                var done = first.post("/runs?wait=true", "{\"tool\": \"warm-" + id + "\", \"parameters\": {\"word\": \"w" + i + "\"}}");
                long ms = (System.nanoTime() - t0) / 1_000_000;
                JsonNode r = Json.MAPPER.readTree(done.body());
                assertEquals("Succeeded", r.at("/status/phase").asText(), done.body());
                assertEquals("w" + i + "\nisolated\n", r.at("/status/stdout").asText(), done.body());
                if (r.at("/status/pooled").asBoolean()) {
                    assertTrue(Set.of("corral-node2", "corral-node3").contains(r.at("/status/node").asText()), done.body());
                    assertTrue(r.at("/status/service").isMissingNode(), "a warm run is no Swarm job: " + done.body());
                    System.out.printf("warm run on %s: %d ms%n", r.at("/status/node").asText(), ms);
                } else {
                    assertTrue(r.at("/status/service").isTextual(), "no warm container free: a Swarm job " + done.body());
                    System.out.printf("run as a Swarm job: %d ms%n", ms);
                }
            }
            await().atMost(CONVERGE).until(() -> Json.MAPPER.readTree(first.get(tool).body()).at("/status/pool/ready").asInt() == 2);

            // Killed, and started again: the pools it left are replaced (their containers may have been half-given).
            List<String> before = warmAt(2);
            first.kill();
            CorralProcess again = corral(settings);
            current[0] = again;
            await().atMost(CONVERGE).until(() -> Json.MAPPER.readTree(again.get(tool).body()).at("/status/pool/ready").asInt() == 2
                    && warmAt(2).size() == 1 && !warmAt(2).equals(before));

            // A run in a warm container of node 3, and node 3 lost: Failed, not run again.
            var started = again.post("/runs", "{\"tool\": \"held-" + id + "\"}");
            String name = Json.MAPPER.readTree(started.body()).at("/metadata/name").asText();
            await().atMost(CONVERGE).until(() -> run(again, name).at("/status/containerId").isTextual());
            JsonNode running = run(again, name);
            assertEquals("corral-node3", running.at("/status/node").asText(), running.toString());
            assertTrue(running.at("/status/pooled").asBoolean(), running.toString());
            // Its output while it runs: read from node 3's engine.
            await().atMost(CONVERGE).until(() -> again.get("/runs/" + name + "/logs").body().contains("started-on-"));
            long lostAt = System.nanoTime();
            lab("stop-node", "3");
            await().atMost(CONVERGE).pollInterval(Duration.ofMillis(250)).until(() -> "Failed".equals(run(again, name).at("/status/phase").asText()));
            System.out.printf("node lost to its warm run Failed: %d ms%n", (System.nanoTime() - lostAt) / 1_000_000);
            assertTrue(run(again, name).at("/status/message").asText().contains("node corral-node3 was lost"), run(again, name).toString());
            // The other node's pool is kept.
            assertEquals(1, Json.MAPPER.readTree(again.get(tool).body()).at("/status/pool/nodes/corral-node2/ready").asInt());
        } finally {
            current[0].kill();
            removeServices();
        }
    }
}
