package dev.corral.converge.recovery;

import dev.corral.support.CorralProcess;
import dev.corral.support.Docker;
import dev.corral.testing.EngineTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Corral and the engine going away under a running workload, with the packaged application:
 * {@code kill -9} of Corral (the restarted one adopts what runs: same container ids, no
 * duplicates) and a stop and start of dockerd (readiness goes down, then up, and everything
 * converges again).
 */
@EngineTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CorralRestartIT {

    private static final Duration CONVERGE = Duration.ofSeconds(90);

    @TempDir
    Path tmp;

    private final String s = "r-" + UUID.randomUUID().toString().substring(0, 8);

    private String specs() {
        StringBuilder y = new StringBuilder("apiVersion: corral.dev/v1\nkind: Session\nmetadata: {name: " + s + "}\n");
        for (String r : List.of("web", "api")) {
            y.append("---\napiVersion: corral.dev/v1\nkind: Relic\nmetadata: {name: ").append(r).append(", session: ").append(s)
                    .append("}\nspec:\n  image: corral/busybox:latest\n  command: [httpd, -f, -p, \"8080\", -h, /www]\n")
                    .append("  port: 8080\n  resources: {memoryMb: 32, cpus: 0.2, pids: 32}\n")
                    .append("  health: {http: {port: 8080}, periodSeconds: 1}\n");
        }
        return y.toString();
    }

    private static String phase(CorralProcess c, String path) throws IOException {
        var r = c.get("/specs/" + path);
        return r.statusCode() == 200 ? JsonPath.from(r.body()).getString("status.phase") : null;
    }

    private void awaitReady(CorralProcess c) {
        await().atMost(CONVERGE).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            for (String r : List.of("web", "api")) {
                String body = c.get("/specs/relic/" + s + "/" + r).body();
                assertEquals("Ready", phase(c, "relic/" + s + "/" + r), body);
            }
        });
    }

    private List<String> containerIds() {
        return Docker.containers("corral.dev/session=" + s).stream().sorted()
                .map(n -> Docker.inspect(n, "{{.Id}}")).toList();
    }

    @Test
    @Order(1)
    void afterKill9TheRestartedCorralAdoptsWhatRuns() throws Exception {
        Path data = tmp.resolve("data");
        List<String> before;
        try (CorralProcess first = CorralProcess.start(data)) {
            assertEquals(200, first.putYaml(specs()).statusCode());
            awaitReady(first);
            before = containerIds();
            assertEquals(2, before.size());
            first.kill();
        }
        try (CorralProcess second = CorralProcess.start(data)) {
            awaitReady(second);
            // Let a resync and a few probes pass: nothing is re-created, nothing is added.
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> containerIds().equals(before));
            assertEquals(0, JsonPath.from(second.get("/specs/relic/" + s + "/web").body()).getInt("status.restarts"));
            cleanUp(second);
        }
    }

    @Test
    @Order(2)
    void aRunInProgressWhenCorralIsKilledIsAdoptedFinishedAndNeverStartedTwice() throws Exception {
        Path data = tmp.resolve("data3");
        String run = "r-" + UUID.randomUUID().toString().substring(0, 8);
        String body = countingRun(run);
        try (CorralProcess first = CorralProcess.start(data)) {
            assertEquals(201, first.post("/runs", body).statusCode());
            await().atMost(CONVERGE).until(() -> "Running".equals(runPhase(first, run)));
            first.kill();
        }
        try (CorralProcess second = CorralProcess.start(data)) {
            await().atMost(CONVERGE).until(() -> "Succeeded".equals(runPhase(second, run)));
            JsonPath r = JsonPath.from(second.get("/runs/" + run).body());
            assertEquals(1, r.getInt("status.result"), "started once: " + r.prettify());
            // Removed at collection, which follows the status write by a moment: waited for, not raced.
            await().atMost(CONVERGE).until(() -> Docker.containers("corral.dev/name=" + run).isEmpty());
        }
    }

    @Test
    @Order(2)
    void aRunInAWarmContainerWhenCorralIsKilledIsAdoptedFinishedAndNeverStartedTwice() throws Exception {
        Path data = tmp.resolve("data4");
        String run = "w-" + UUID.randomUUID().toString().substring(0, 8);
        String body = countingRun(run);
        String instance;
        try (CorralProcess first = CorralProcess.start(data, "-Dcorral.runs.bash-pool-size=1")) {
            await().atMost(CONVERGE).until(() -> first.get("/pools").body().contains("\"idle\":1"));
            assertEquals(201, first.post("/runs", body).statusCode());
            await().atMost(CONVERGE).until(() -> "Running".equals(runPhase(first, run)));
            JsonPath running = JsonPath.from(first.get("/runs/" + run).body());
            assertTrue(running.getBoolean("status.pooled"), running.prettify());
            first.kill();
        }
        // Restarted without a pool: the claimed warm container is still the run's, and only idle ones go.
        try (CorralProcess second = CorralProcess.start(data)) {
            await().atMost(CONVERGE).until(() -> "Succeeded".equals(runPhase(second, run)));
            JsonPath r = JsonPath.from(second.get("/runs/" + run).body());
            assertEquals(1, r.getInt("status.result"), "started once: " + r.prettify());
            assertTrue(r.getBoolean("status.pooled"), r.prettify());
            instance = "it-" + Integer.toHexString(data.toAbsolutePath().hashCode());
            await().atMost(CONVERGE).until(() -> Docker.containers("corral.dev/pool=true",
                    "corral.dev/instance=" + instance).isEmpty());
        }
    }

    /** A bash run that counts its own starts in its workspace and reports the count as its result. */
    private static String countingRun(String name) {
        return "{\"name\": \"" + name + "\", \"language\": \"bash\", \"code\": "
                + "\"echo start >> /workspace/output/starts; sleep 4; corral output \\\"$(wc -l < /workspace/output/starts)\\\"\"}";
    }

    private static String runPhase(CorralProcess c, String run) throws IOException {
        var r = c.get("/runs/" + run);
        return r.statusCode() == 200 ? JsonPath.from(r.body()).getString("status.phase") : null;
    }

    @Test
    @Order(3)
    void whenDockerdStopsReadinessGoesDownAndEverythingConvergesWhenItIsBack() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean ours = Docker.tryRun("version").exit() == 0 && new File("/usr/sbin/dockerd").canExecute()
                && new ProcessBuilder("pgrep", "-x", "dockerd").start().waitFor() == 0;
        assumeTrue(root && ours, "needs root and a dockerd this machine started itself (as deploy/setup.sh does)");
        Path data = tmp.resolve("data2");
        try (CorralProcess corral = CorralProcess.start(data)) {
            assertEquals(200, corral.putYaml(specs()).statusCode());
            awaitReady(corral);
            // What an engine crash during a removal leaves: a run's workspace volume with no container.
            String lost = lostVolume(data);
            try {
                assertEquals(0, new ProcessBuilder("pkill", "-TERM", "-x", "dockerd").start().waitFor());
                await().atMost(Duration.ofSeconds(60)).until(() -> Docker.tryRun("version").exit() != 0);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    var r = corral.get("/q/health/ready");
                    assertEquals(503, r.statusCode(), r.body());
                    assertTrue(r.body().contains("\"docker\""), r.body());
                });
            } finally {
                startDockerd();
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> Docker.tryRun("version").exit() == 0);
            await().atMost(CONVERGE).until(() -> corral.get("/q/health/ready").statusCode() == 200);
            // The engine stopped the containers with it; Corral starts them again.
            awaitReady(corral);
            for (String r : List.of("web", "api")) {
                assertEquals("true", Docker.inspect("corral-relic-" + s + "-" + r, "{{.State.Running}}"));
            }
            await().atMost(CONVERGE).until(() -> !volumeExists(lost));
            cleanUp(corral);
        }
    }

    @Test
    @Order(4)
    void volumesThatLostTheirContainerAreSweptAtStartAndNamedOrMountedOnesKept() throws Exception {
        Path data = tmp.resolve("data3");
        String lost = lostVolume(data);
        String named = "corral-vol-" + s + "-cache";
        Docker.run(volumeCreate(data, named).toArray(String[]::new));
        String mounted = lostVolume(data);
        String holder = Docker.run("create", "-v", mounted + ":/data", "corral/busybox:latest", "true").trim();
        try (CorralProcess corral = CorralProcess.start(data)) {
            await().atMost(CONVERGE).until(() -> corral.log().contains("removed 1 anonymous volumes"));
            assertTrue(!volumeExists(lost), "an anonymous volume no container mounts is removed");
            assertTrue(volumeExists(named), "a named volume (a Session's) may be unused and is kept");
            assertTrue(volumeExists(mounted), "a mounted one is kept, even by a stopped container");
        } finally {
            Docker.tryRun("rm", "-f", holder);
            Docker.tryRun("volume", "rm", "-f", named, mounted, lost);
        }
    }

    /** An anonymous-looking volume (64 hex digits) labelled as a run's workspace of the Corral on {@code data}. */
    private static String lostVolume(Path data) {
        String name = (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "");
        Docker.run(volumeCreate(data, name).toArray(String[]::new));
        return name;
    }

    private static List<String> volumeCreate(Path data, String name) {
        return List.of("volume", "create", "--label", "corral.dev/managed=true",
                "--label", "corral.dev/instance=it-" + Integer.toHexString(data.toAbsolutePath().hashCode()),
                "--label", "corral.dev/kind=ToolRun", "--label", "corral.dev/name=lost", name);
    }

    private static boolean volumeExists(String name) {
        return Docker.tryRun("volume", "inspect", name).exit() == 0;
    }

    private static void startDockerd() throws IOException {
        if (Docker.tryRun("version").exit() == 0) {
            return;
        }
        // The old daemon stops answering before it has exited (it stops containers first): a second one
        // started meanwhile finds its pid file and quits.
        await().atMost(Duration.ofSeconds(60)).until(() -> new ProcessBuilder("pgrep", "-x", "dockerd").start().waitFor() != 0);
        // As deploy/setup.sh does: detached, output to a file, so nothing waits on it.
        new ProcessBuilder("setsid", "dockerd").redirectInput(new File("/dev/null"))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File("/var/log/dockerd.log")))
                .redirectErrorStream(true).start();
    }

    private void cleanUp(CorralProcess c) throws IOException {
        c.delete("/specs/session/" + s);
        await().atMost(CONVERGE).until(() -> Docker.containers("corral.dev/session=" + s).isEmpty()
                && Docker.networks("corral.dev/session=" + s).isEmpty());
    }
}
