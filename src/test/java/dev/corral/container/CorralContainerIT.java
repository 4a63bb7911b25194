package dev.corral.container;

import dev.corral.support.Docker;
import dev.corral.testing.EngineTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Corral deployed the way its users do: the image of {@code Dockerfile.jvm}, run as a container on
 * its own network next to the engine, with the socket mounted ({@code docker run -v
 * /var/run/docker.sock:...}). Its own instance name and network pool keep it off everything else
 * on the engine; whatever carries its instance label is removed at the end, whatever happened.
 * <p>
 * The image is built from the packaged application (run after {@code package}); a build is skipped
 * when an image of the same content (the application's class and resource bytes, the Dockerfile, the
 * entry point and the base) exists. Its base comes from {@code deploy/setup.sh}.
 */
@EngineTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CorralContainerIT {

    private static final Duration CONVERGE = Duration.ofSeconds(90);
    private static final String INSTANCE = "ctr-" + UUID.randomUUID().toString().substring(0, 8);
    private static final String POOL = System.getProperty("corral.it.container-network-pool", "10.215.0.0/16");
    private static final String LABEL = "corral.dev/instance=" + INSTANCE;
    private static final String CORRAL = "corral-it-" + INSTANCE;
    private static final String NETWORK = "corral-it-" + INSTANCE;
    private static final String DATA = "corral-it-" + INSTANCE + "-data";
    private static final String S = "s-" + INSTANCE.substring(4);

    /** HTTP/1.1, as curl speaks it by default (the JDK's client would otherwise try an h2c upgrade). */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static Path work;
    private static Path agents;
    private static String image;
    private static volatile int port;

    @BeforeAll
    static void buildAndStart() throws Exception {
        work = Files.createDirectories(Path.of("target", "container-it", INSTANCE).toAbsolutePath());
        agents = Files.createDirectories(work.resolve("agents"));
        Files.createDirectories(agents.resolve("hello"));
        Files.writeString(agents.resolve("hello/msg"), "hello from the host\n");
        Path elsewhere = Files.createDirectories(work.resolve("elsewhere/hello"));
        Files.writeString(elsewhere.resolve("msg"), "not the same path\n");
        Path specs = Files.createDirectories(work.resolve("specs"));
        Files.writeString(specs.resolve("watched.yaml"),
                "apiVersion: corral.dev/v1\nkind: Session\nmetadata: {name: w-" + S + "}\n");
        for (Path p : List.of(work, agents, agents.resolve("hello"), specs, elsewhere.getParent(), elsewhere)) {
            p.toFile().setReadable(true, false);
            p.toFile().setExecutable(true, false);
        }

        image = buildImage();
        Docker.run("network", "create", "--label", LABEL, NETWORK);
        Docker.run("volume", "create", "--label", LABEL, DATA);
        List<String> run = new ArrayList<>(List.of("run", "-d", "--name", CORRAL, "--label", LABEL, "--network", NETWORK,
                "-v", "/var/run/docker.sock:/var/run/docker.sock",
                "-v", DATA + ":/var/lib/corral",
                "-v", specs + ":/specs:ro",
                // An Agent's code: its root at the same path as on the host, and one that is not.
                "-v", agents + ":" + agents + ":ro",
                "-v", elsewhere.getParent() + ":/srv/elsewhere:ro",
                "-e", "CORRAL_AGENT_CODE_ROOTS=" + agents + ",/srv/elsewhere",
                "-e", "CORRAL_INSTANCE=" + INSTANCE,
                "-e", "CORRAL_NETWORK_POOL=" + POOL,
                "-e", "CORRAL_RESTART_STOP_GRACE=2s",
                "-p", "127.0.0.1::8080"));
        if (authSettingsExist()) {
            run.addAll(List.of("-e", "CORRAL_AUTH_ALLOW_ANONYMOUS=true"));
        }
        run.add(image);
        Docker.run(run.toArray(String[]::new));
        awaitCorral();
    }

    /** Set by a Corral that knows corral.auth.* (unknown corral settings stop start-up, so only then). */
    private static boolean authSettingsExist() {
        return Stream.of(dev.corral.config.CorralConfig.class.getMethods()).anyMatch(m -> m.getName().equals("auth"));
    }

    @AfterAll
    static void cleanUp() {
        try {
            logTail();
        } finally {
            // Corral first (it would re-create what it owns), then everything of this instance.
            Docker.tryRun("rm", "-f", "-v", CORRAL);
            for (String c : Docker.containers(LABEL)) {
                Docker.tryRun("rm", "-f", "-v", c);
            }
            for (String n : Docker.networks(LABEL)) {
                Docker.tryRun("network", "rm", n);
            }
            for (String v : Docker.volumes(LABEL)) {
                Docker.tryRun("volume", "rm", "-f", v);
            }
            deleteTree(work);
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.out.println("left " + dir + ": " + e.getMessage());
        }
    }

    private static void logTail() {
        Docker.Result logs = Docker.tryRun("logs", "--tail", "40", CORRAL);
        if (logs.exit() == 0) {
            System.out.println("---- last lines of " + CORRAL + " ----\n" + logs.output());
        }
    }

    @Test
    @Order(1)
    void theContainerRunsCorralAsANonRootUserInTheSocketsGroupWithoutCapabilities() {
        String status = Docker.run("exec", CORRAL, "sh", "-c", "grep -E '^(Uid|Gid|Groups|CapEff|CapPrm|NoNewPrivs)' /proc/1/status");
        assertTrue(status.matches("(?s).*Uid:\\s+1000\\s+1000\\s+1000\\s+1000.*"), status);
        assertTrue(status.matches("(?s).*Gid:\\s+1000\\s+1000.*"), status);
        String socketGroup = Docker.run("exec", CORRAL, "stat", "-c", "%g", "/var/run/docker.sock");
        assertTrue(status.matches("(?s).*Groups:\\s+" + socketGroup + "\\s*\n.*"), status);
        assertTrue(status.matches("(?s).*CapEff:\\s+0+\n.*") && status.matches("(?s).*CapPrm:\\s+0+\n.*"), status);
        assertTrue(status.matches("(?s).*NoNewPrivs:\\s+1.*"), status);
        // The watched /specs: its Session is there, from its file.
        await().atMost(CONVERGE).until(() -> "Ready".equals(phase("session/w-" + S)));
    }

    @Test
    @Order(2)
    void aSessionsRelicsGetReadyThroughHttpAndTcpProbes() throws Exception {
        String yaml = """
                apiVersion: corral.dev/v1
                kind: Session
                metadata: {name: %1$s}
                ---
                apiVersion: corral.dev/v1
                kind: Relic
                metadata: {name: web, session: %1$s}
                spec:
                  image: corral/busybox:latest
                  command: [httpd, -f, -p, "8080", -h, /www]
                  port: 8080
                  resources: {memoryMb: 32, cpus: 0.2, pids: 32}
                  health: {http: {path: /, port: 8080}, periodSeconds: 1}
                ---
                apiVersion: corral.dev/v1
                kind: Relic
                metadata: {name: db, session: %1$s}
                spec:
                  image: corral/busybox:latest
                  command: [nc, -ll, -p, "5432", -e, cat]
                  port: 5432
                  resources: {memoryMb: 32, cpus: 0.2, pids: 32}
                  health: {tcp: {port: 5432}, periodSeconds: 1}
                """.formatted(S);
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/specs?wait=true&timeout=60s"))
                .header("Content-Type", "application/yaml").PUT(HttpRequest.BodyPublishers.ofString(yaml)).build());
        assertEquals(200, r.statusCode(), r.body());
        JsonPath reply = JsonPath.from(r.body());
        assertEquals(List.of("Ready", "Ready", "Ready"), reply.getList("results.outcome"), r.body());
        // Corral's container joined the session's internal network to probe there.
        assertTrue(Docker.inspect(CORRAL, "{{json .NetworkSettings.Networks}}").contains("corral-session-" + S));
        assertEquals("true", Docker.run("network", "inspect", "-f", "{{.Internal}}", "corral-session-" + S));

        // Cut off behind its back, Corral's container joins again and the probes keep passing.
        Docker.run("network", "disconnect", "corral-session-" + S, CORRAL);
        await().atMost(CONVERGE).untilAsserted(() -> assertTrue(
                Docker.inspect(CORRAL, "{{json .NetworkSettings.Networks}}").contains("corral-session-" + S)));
        await().atMost(CONVERGE).until(() -> "Ready".equals(phase("relic/" + S + "/web")));
    }

    @Test
    @Order(3)
    void anAgentsCodeIsMountedFromTheHostPathCorralChecked() throws Exception {
        String yaml = """
                apiVersion: corral.dev/v1
                kind: Agent
                metadata: {name: a-%1$s}
                spec:
                  image: corral/busybox:latest
                  command: [httpd, -f, -p, "8080", -h, /app/agent]
                  code: %2$s
                  resources: {memoryMb: 32, cpus: 0.2, pids: 32}
                  health: {tcp: {port: 8080}, periodSeconds: 1}
                ---
                apiVersion: corral.dev/v1
                kind: Agent
                metadata: {name: b-%1$s}
                spec:
                  image: corral/busybox:latest
                  command: [sleep, "3600"]
                  code: /srv/elsewhere/hello
                """.formatted(S, agents.resolve("hello"));
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/specs?wait=true&timeout=60s"))
                .header("Content-Type", "application/yaml").PUT(HttpRequest.BodyPublishers.ofString(yaml)).build());
        assertEquals(200, r.statusCode(), r.body());
        JsonPath reply = JsonPath.from(r.body());
        // Probed over TCP on the engine's default bridge, which Corral joined too.
        assertEquals("Ready", reply.getString("results[0].outcome"), r.body());
        assertEquals("hello from the host", Docker.run("exec", "corral-agent-a-" + S, "cat", "/app/agent/msg"));
        // A root mounted into Corral's container from another host path: refused, saying why.
        assertEquals("Failed", reply.getString("results[1].outcome"), r.body());
        assertEquals("CodeNotShared", reply.getString("results[1].status.conditions[0].reason"), r.body());
        assertEquals(List.of(), Docker.containers("corral.dev/name=b-" + S, LABEL));
        assertEquals(200, send(HttpRequest.newBuilder(uri("/specs/agent/b-" + S)).DELETE().build()).statusCode());
    }

    @Test
    @Order(4)
    void aColdRunAndAWarmRunSucceed() throws Exception {
        JsonPath cold = JsonPath.from(post("/runs?wait=true&timeout=60s",
                "{\"language\": \"bash\", \"code\": \"corral output '{\\\"sum\\\": 3}'\", \"timeoutSeconds\": 30}").body());
        assertEquals("Succeeded", cold.getString("status.phase"), cold.prettify());
        assertEquals(3, cold.getInt("status.result.sum"), cold.prettify());
        assertNotEquals(Boolean.TRUE, cold.get("status.pooled"), cold.prettify());

        String tool = "t-" + S;
        String yaml = """
                apiVersion: corral.dev/v1
                kind: Tool
                metadata: {name: %s}
                spec:
                  image: corral/runner-bash:latest
                  command: [bash, -c, "corral output \\"$(corral input text | wc -w)\\""]
                  resources: {memoryMb: 64, cpus: 0.5, pids: 64}
                  pool: {size: 1}
                """.formatted(tool);
        assertEquals(200, send(HttpRequest.newBuilder(uri("/specs")).header("Content-Type", "application/yaml")
                .PUT(HttpRequest.BodyPublishers.ofString(yaml)).build()).statusCode());
        await().atMost(CONVERGE).until(() -> JsonPath.from(get("/pools").body())
                .getList("findAll { it.pool == 'tool/" + tool + "' }.idle").equals(List.of(1)));
        JsonPath warm = JsonPath.from(post("/runs?wait=true&timeout=60s",
                "{\"tool\": \"" + tool + "\", \"parameters\": {\"text\": \"the quick brown fox\"}}").body());
        assertEquals("Succeeded", warm.getString("status.phase"), warm.prettify());
        assertTrue(warm.getBoolean("status.pooled"), warm.prettify());
        assertEquals(4, warm.getInt("status.result"), warm.prettify());
    }

    @Test
    @Order(5)
    void aRunsLogsAreFollowedAsTheyAreWritten() throws Exception {
        HttpResponse<String> created = post("/runs", "{\"language\": \"bash\", \"code\": "
                + "\"for i in 1 2 3; do echo line$i; sleep 1; done; echo warn >&2\", \"timeoutSeconds\": 30}");
        assertEquals(201, created.statusCode(), created.body());
        String name = JsonPath.from(created.body()).getString("metadata.name");
        HttpResponse<InputStream> stream = HTTP.send(HttpRequest.newBuilder(uri("/runs/" + name + "/logs?follow=true"))
                .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(60)).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, stream.statusCode());
        StringBuilder events = new StringBuilder();
        String phaseAtFirstLine = null;
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                events.append(line).append('\n');
                if (phaseAtFirstLine == null && line.contains("line1")) {
                    phaseAtFirstLine = JsonPath.from(get("/runs/" + name).body()).getString("status.phase");
                }
                if (line.startsWith("event:end") || line.startsWith("event: end")) {
                    break;
                }
            }
        }
        String all = events.toString();
        assertTrue(all.contains("line1") && all.contains("line3") && all.contains("warn") && all.contains("end"), all);
        assertEquals("Running", phaseAtFirstLine, "the first line arrived while the run was still running:\n" + all);
    }

    @Test
    @Order(6)
    void afterKill9OfItsContainerTheRestartedCorralAdoptsWhatRuns() throws Exception {
        List<String> before = ids();
        assertEquals(3, before.size(), before.toString()); // web, db and the agent
        Docker.run("kill", "-s", "KILL", CORRAL);
        Docker.run("start", CORRAL);
        awaitCorral();
        await().atMost(CONVERGE).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertEquals("Ready", phase("relic/" + S + "/web"));
            assertEquals("Ready", phase("relic/" + S + "/db"));
            assertEquals("Ready", phase("agent/a-" + S));
        });
        // A few resyncs' and probes' worth of time: nothing re-created, nothing added.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(15)).until(() -> ids().equals(before));
        assertEquals(0, JsonPath.from(get("/specs/relic/" + S + "/web").body()).getInt("status.restarts"));
        JsonPath run = JsonPath.from(post("/runs?wait=true&timeout=60s",
                "{\"language\": \"bash\", \"code\": \"echo after-restart\", \"timeoutSeconds\": 30}").body());
        assertEquals("Succeeded", run.getString("status.phase"), run.prettify());
    }

    @Test
    @Order(7)
    void aDeletedSessionTakesItsNetworkThoughCorralWasAttachedToIt() throws Exception {
        assertEquals(200, send(HttpRequest.newBuilder(uri("/specs/session/" + S)).DELETE().build()).statusCode());
        await().atMost(CONVERGE).untilAsserted(() -> {
            assertEquals(List.of(), Docker.containers("corral.dev/session=" + S, LABEL));
            assertEquals(List.of(), Docker.networks("corral.dev/session=" + S));
        });
        assertTrue(!Docker.inspect(CORRAL, "{{json .NetworkSettings.Networks}}").contains("corral-session-" + S));
    }

    // ---- the image ----

    /** corral/corral:it-<content hash>, built unless it exists. */
    private static String buildImage() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        String base = "corral/base-jre:latest";
        Docker.Result baseId = Docker.tryRun("image", "inspect", "-f", "{{.Id}}", base);
        assertEquals(0, baseId.exit(), base + " is missing: run deploy/setup.sh");
        String hash = contentHash(root, baseId.output());
        String tag = "corral/corral:it-" + hash;
        if (Docker.tryRun("image", "inspect", tag).exit() == 0) {
            return tag;
        }
        long t0 = System.nanoTime();
        Docker.run("build", "-q", "-f", root.resolve("Dockerfile.jvm").toString(), "-t", tag, root.toString());
        System.out.printf("built %s in %d ms%n", tag, (System.nanoTime() - t0) / 1_000_000);
        // Earlier test images go (those still used by a container stay).
        for (String old : Docker.run("images", "--format", "{{.Repository}}:{{.Tag}}", "corral/corral").split("\n")) {
            if (old.startsWith("corral/corral:it-") && !old.equals(tag)) {
                Docker.tryRun("rmi", old);
            }
        }
        return tag;
    }

    /**
     * What goes into the image: every file of target/quarkus-app (jars by their entries' names and
     * bytes, not their time stamps, which change with each package), the Dockerfile, the entry
     * point, .dockerignore and the base image's id.
     */
    private static String contentHash(Path root, String baseId) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(baseId.getBytes(StandardCharsets.UTF_8));
        Path app = root.resolve("target/quarkus-app");
        assertTrue(Files.isRegularFile(app.resolve("quarkus-run.jar")), "package the application first (./mvnw package)");
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(app)) {
            s.filter(Files::isRegularFile).sorted().forEach(files::add);
        }
        files.add(root.resolve("Dockerfile.jvm"));
        files.add(root.resolve("deploy/images/corral/entrypoint.sh"));
        files.add(root.resolve(".dockerignore"));
        for (Path f : files) {
            sha.update(root.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
            if (f.toString().endsWith(".jar")) {
                try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(f))) {
                    ZipEntry e;
                    while ((e = zip.getNextEntry()) != null) {
                        sha.update(e.getName().getBytes(StandardCharsets.UTF_8));
                        sha.update(zip.readAllBytes());
                    }
                }
            } else {
                sha.update(Files.readAllBytes(f));
            }
        }
        return HexFormat.of().formatHex(sha.digest(), 0, 8);
    }

    // ---- talking to the container ----

    /** Waits until Corral answers ready on its published port (which a restart may change). */
    private static void awaitCorral() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!"true".equals(Docker.inspect(CORRAL, "{{.State.Running}}"))) {
                throw new IllegalStateException(CORRAL + " is not running:\n" + Docker.tryRun("logs", "--tail", "30", CORRAL).output());
            }
            Docker.Result p = Docker.tryRun("port", CORRAL, "8080/tcp");
            if (p.exit() != 0 || p.output().isBlank()) {
                return false;
            }
            port = Integer.parseInt(p.output().lines().findFirst().orElseThrow().replaceAll(".*:", ""));
            try {
                return get("/q/health/ready").statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    private List<String> ids() {
        List<String> ids = new ArrayList<>();
        for (String c : Docker.containers(LABEL, "corral.dev/managed=true")) {
            String kind = Docker.inspect(c, "{{index .Config.Labels \"corral.dev/kind\"}}");
            if ("Relic".equals(kind) || "Agent".equals(kind)) {
                ids.add(Docker.inspect(c, "{{.Id}}"));
            }
        }
        ids.sort(null);
        return ids;
    }

    private static String phase(String path) throws IOException {
        HttpResponse<String> r = get("/specs/" + path);
        return r.statusCode() == 200 ? JsonPath.from(r.body()).getString("status.phase") : null;
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static HttpResponse<String> get(String path) throws IOException {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build());
    }

    private static HttpResponse<String> post(String path, String json) throws IOException {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private static HttpResponse<String> send(HttpRequest request) throws IOException {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
