package dev.corral.converge.replicas;

import dev.corral.spec.Json;
import dev.corral.support.CorralProcess;
import dev.corral.support.Docker;
import dev.corral.testing.EngineTest;
import dev.corral.testing.EtcdCluster;
import dev.corral.testing.EtcdTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several Corrals (the packaged application) on one etcd store and one engine: every replica serves
 * the API, one leads. {@code kill -9} of the leader while it converges 100 relics in 10 sessions,
 * takes writes and runs a tool run: the other replica takes over within seconds, adopts what runs and
 * finishes the converge, with no duplicate container, no acknowledged write lost and the run finished,
 * started once; the loss of an etcd member then changes nothing.
 */
@EngineTest
@EtcdTest
class ReplicatedCorralIT {

    private static final Duration CONVERGE = Duration.ofSeconds(180);

    private final String id = UUID.randomUUID().toString().substring(0, 8);
    /** Under target/, not a temporary directory: the replicas' logs (NAME.log) stay for a failure's diagnosis. */
    private final Path tmp = Path.of("target", "replicated-it-" + id);
    private final String instance = "ha-" + id;

    private static final String RUN = "counting";

    /** A bash run that counts its own starts in its workspace and reports the count as its result. */
    private static final String COUNTING_RUN = "{\"name\": \"" + RUN + "\", \"language\": \"bash\", \"code\": "
            + "\"echo start >> /workspace/output/starts; sleep 6; corral output \\\"$(wc -l < /workspace/output/starts)\\\"\"}";

    private static String runPhase(CorralProcess c) throws IOException {
        var r = c.get("/runs/" + RUN);
        return r.statusCode() == 200 ? Json.MAPPER.readTree(r.body()).at("/status/phase").asText(null) : null;
    }

    private CorralProcess replica(EtcdCluster etcd, String name) throws IOException {
        Files.createDirectories(tmp);
        return CorralProcess.start(tmp.resolve(name),
                "-Dcorral.instance=" + instance,
                "-Dcorral.store.kind=etcd",
                "-Dcorral.store.etcd.endpoints=" + String.join(",", etcd.endpoints()),
                "-Dcorral.store.etcd.prefix=/it-" + id,
                "-Dcorral.store.etcd.lease-ttl=3s");
    }

    private static boolean leads(CorralProcess c) {
        try {
            var leader = Json.MAPPER.readTree(c.get("/q/health/ready").body()).at("/checks").findValues("leading");
            return !leader.isEmpty() && leader.get(0).asBoolean();
        } catch (IOException e) {
            return false;
        }
    }

    /** Session names of this run's own: resource names are per name, not per instance, on the engine. */
    private String session(int s) {
        return "h" + id + "-" + s;
    }

    private String relics() {
        StringBuilder y = new StringBuilder();
        for (int s = 0; s < 10; s++) {
            y.append("apiVersion: corral.dev/v1\nkind: Session\nmetadata: {name: ").append(session(s)).append("}\n---\n");
            for (int r = 0; r < 10; r++) {
                y.append("apiVersion: corral.dev/v1\nkind: Relic\nmetadata: {name: r").append(r).append(", session: ").append(session(s))
                        .append("}\nspec:\n  image: corral/busybox:latest\n  command: [sleep, \"3600\"]\n")
                        .append("  resources: {memoryMb: 16, cpus: 0.1, pids: 8}\n---\n");
            }
        }
        return y.toString();
    }

    private List<String> containers() {
        return Docker.containers("corral.dev/instance=" + instance);
    }

    /** The relics' containers (a run's container comes and goes beside them). */
    private List<String> relicContainers() {
        return Docker.containers("corral.dev/instance=" + instance, "corral.dev/kind=Relic");
    }

    private static long readyRelics(CorralProcess c) throws IOException {
        var items = Json.MAPPER.readTree(c.get("/specs?kind=relic").body()).get("items");
        long ready = 0;
        for (var item : items) {
            if ("Ready".equals(item.at("/status/phase").asText())) {
                ready++;
            }
        }
        return ready;
    }

    @Test
    void killingTheLeaderMidConvergeLosesNothingAndDuplicatesNothing() throws Exception {
        try (EtcdCluster etcd = EtcdCluster.start(3)) {
            CorralProcess first = replica(etcd, "a");
            await().atMost(Duration.ofSeconds(30)).until(() -> leads(first));
            CorralProcess second = replica(etcd, "b");
            try {
                assertTrue(!leads(second), "one leader");

                // Written through the follower: the leader reconciles what any replica accepted.
                HttpResponse<String> put = second.putYaml(relics());
                assertEquals(200, put.statusCode(), put.body());

                // Writes acknowledged by the leader right up to its death.
                Set<String> acknowledged = ConcurrentHashMap.newKeySet();
                AtomicBoolean stop = new AtomicBoolean();
                Thread writer = new Thread(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        String name = "t" + i;
                        try {
                            var r = first.putYaml("apiVersion: corral.dev/v1\nkind: Tool\nmetadata: {name: " + name
                                    + "}\nspec: {image: \"corral/busybox:latest\"}\n");
                            if (r.statusCode() == 200) {
                                acknowledged.add(name);
                            }
                        } catch (IOException e) {
                            return; // killed
                        }
                    }
                });
                writer.start();
                // A run the leader starts, in progress when it dies: finished by the next leader, never started twice.
                assertEquals(201, second.post("/runs", COUNTING_RUN).statusCode());
                await().atMost(CONVERGE).until(() -> "Running".equals(runPhase(second)));
                await().atMost(CONVERGE).until(() -> relicContainers().size() >= 20);
                long killedAt = System.nanoTime();
                first.kill();
                stop.set(true);
                writer.join(30_000);
                assertTrue(acknowledged.size() > 5, "the leader acknowledged writes before it died: " + acknowledged.size());

                await().atMost(Duration.ofSeconds(20)).until(() -> leads(second));
                System.out.printf("takeover after kill -9 of the leader: %d ms%n", (System.nanoTime() - killedAt) / 1_000_000);
                // A relic that dies as the new leader starts is restarted at once, not at the next resync (30 s):
                // its die event may come before the new leader's first list is in its picture.
                // A running one: the dead leader may have left a container created and not yet started (the new
                // leader starts it), and a kill of that fails.
                var victims = new java.util.concurrent.atomic.AtomicReference<String>();
                await().atMost(CONVERGE).until(() -> {
                    var running = Docker.runningContainers("corral.dev/instance=" + instance, "corral.dev/kind=Relic");
                    if (!running.isEmpty() && Docker.tryRun("kill", running.get(0)).exit() == 0) {
                        victims.set(running.get(0));
                    }
                    return victims.get() != null;
                });
                String victim = victims.get();
                // Within 20 s: the bug this guards against left it dead until the next resync (30 s); the new leader may
                // meanwhile be creating the 80 relics the dead one had not, under CI's load right after a dockerd restart.
                long killed = System.nanoTime();
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                        .until(() -> "true".equals(Docker.inspect(victim, "{{.State.Running}}")));
                System.out.printf("relic killed at takeover running again after %d ms%n", (System.nanoTime() - killed) / 1_000_000);
                await().atMost(CONVERGE).pollInterval(Duration.ofMillis(500)).until(() -> readyRelics(second) == 100);
                assertEquals(100, relicContainers().size(), "one container per relic: " + relicContainers().size());

                await().atMost(CONVERGE).until(() -> "Succeeded".equals(runPhase(second)));
                var run = Json.MAPPER.readTree(second.get("/runs/" + RUN).body());
                assertEquals(1, run.at("/status/result").asInt(), "started once: " + run);

                var tools = Json.MAPPER.readTree(second.get("/specs?kind=tool").body()).get("items");
                Set<String> stored = new HashSet<>();
                tools.forEach(t -> stored.add(t.at("/metadata/name").asText()));
                assertTrue(stored.containsAll(acknowledged), "every write the dead leader acknowledged is there");

                // A member of etcd lost: the survivor still writes and converges.
                etcd.kill(1);
                assertEquals(200, second.delete("/specs/session/" + session(9)).statusCode());
                await().atMost(CONVERGE).until(() -> relicContainers().size() == 90);

                // A new replica follows the leader that took over.
                try (CorralProcess third = replica(etcd, "c")) {
                    assertTrue(!leads(third));
                    String readiness = third.get("/q/health/ready").body();
                    assertTrue(readiness.contains("pid " + second.pid()), readiness);
                }
            } finally {
                // Clean-up never hides the failure it follows: a replica may be the reason and be gone.
                try {
                    for (int s = 0; s < 10; s++) {
                        second.delete("/specs/session/" + session(s));
                    }
                    await().atMost(CONVERGE).until(() -> containers().isEmpty()
                            && Docker.networks("corral.dev/instance=" + instance).isEmpty());
                } catch (IOException | RuntimeException e) {
                    System.err.println("clean-up through the API failed (" + e + "); removing by label. Logs: " + tmp);
                } finally {
                    second.close();
                    first.kill();
                    // Whatever a failure left behind: this test's instance label names only its own.
                    containers().forEach(c -> Docker.tryRun("rm", "-f", "-v", c));
                    // A network whose containers were just removed may refuse its removal for a moment: until it goes.
                    try {
                        await().atMost(Duration.ofSeconds(30)).until(() -> {
                            Docker.networks("corral.dev/instance=" + instance).forEach(n -> Docker.tryRun("network", "rm", n));
                            return Docker.networks("corral.dev/instance=" + instance).isEmpty();
                        });
                    } catch (RuntimeException e) {
                        System.err.println("networks left: " + Docker.networks("corral.dev/instance=" + instance));
                    }
                }
            }
        }
    }
}
