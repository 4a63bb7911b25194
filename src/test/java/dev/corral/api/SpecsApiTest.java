package dev.corral.api;

import dev.corral.testing.EngineTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The /specs API over HTTP. Runs in-process ({@code @QuarkusTest}) and, through
 * {@link SpecsApiIT}, against the packaged application. Every test uses names of its own, so
 * the tests share one data directory without seeing each other.
 */
@EngineTest
@QuarkusTest
class SpecsApiTest {

    /** The test profile's data directory (application.properties), read to prove failed requests change no byte. */
    static final Path DATA_DIR = Path.of("target/corral-test-data");

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String session(String name) {
        return """
                apiVersion: corral.dev/v1
                kind: Session
                metadata: {name: %s}
                """.formatted(name);
    }

    static String relic(String session, String name, String envValue) {
        return """
                apiVersion: corral.dev/v1
                kind: Relic
                metadata:
                  name: %s
                  session: %s
                  labels: {app: web}
                spec:
                  image: corral/busybox:latest
                  command: [httpd, -f, -p, "8080"]
                  env: {MODE: %s}
                  port: 8080
                """.formatted(name, session, envValue);
    }

    static Response putYaml(String body) {
        return given().contentType("application/yaml").body(body).put("/specs");
    }

    @Test
    void multiDocumentYamlIsCreatedThenUnchangedThenConfigured() {
        String s = unique("s");
        String yaml = session(s) + "---\n" + relic(s, "web", "a") + "---\n" + relic(s, "api", "a");

        putYaml(yaml).then().statusCode(200)
                .body("dryRun", equalTo(false))
                .body("items", hasSize(3))
                .body("items.action", everyItem(equalTo("created")))
                .body("items.generation", everyItem(equalTo(1)))
                .body("items[1].kind", equalTo("Relic"))
                .body("items[1].session", equalTo(s))
                .body("items[1].name", equalTo("web"));

        putYaml(yaml).then().statusCode(200)
                .body("items.action", everyItem(equalTo("unchanged")))
                .body("items.generation", everyItem(equalTo(1)));

        String changed = session(s) + "---\n" + relic(s, "web", "b") + "---\n" + relic(s, "api", "a");
        putYaml(changed).then().statusCode(200)
                .body("items.action", equalTo(List.of("unchanged", "configured", "unchanged")))
                .body("items[1].generation", equalTo(2));

        given().get("/specs/relic/{s}/web", s).then().statusCode(200)
                .body("metadata.generation", equalTo(2))
                .body("spec.env.MODE", equalTo("b"))
                .body("metadata.source", equalTo("api"))
                .body("metadata.uid", notNullValue())
                .body("metadata.createdAt", notNullValue())
                // Defaults are filled in and visible.
                .body("spec.resources.memoryMb", equalTo(256))
                .body("spec.restartPolicy", equalTo("Always"))
                .body("spec.imagePullPolicy", equalTo("IfNotPresent"));
    }

    @Test
    void anExportIsTheSpecsAloneAndAppliesAgainAsItIs() {
        String s = unique("s");
        putYaml(session(s) + "---\n" + relic(s, "web", "a")).then().statusCode(200);
        String yaml = given().accept("application/yaml").get("/specs?export=true&session=" + s).then().statusCode(200)
                .extract().asString();
        assertTrue(yaml.contains("kind: Relic") && yaml.contains("name: web"), yaml);
        for (String serverSet : List.of("status:", "uid:", "resourceVersion:", "generation:", "createdAt:", "source:")) {
            assertFalse(yaml.contains(serverSet), serverSet + " in " + yaml);
        }
        given().get("/specs/relic/" + s + "/web?export=true").then().statusCode(200)
                .body("metadata.name", equalTo("web")).body("metadata.session", equalTo(s))
                .body("status", nullValue()).body("metadata.uid", nullValue()).body("spec.env.MODE", equalTo("a"));
        given().get("/specs/relic/" + s + "/web?export=maybe").then().statusCode(400);
        // ?session= lists what is in the session, not the Session itself: it is exported on its own.
        String sessionYaml = given().accept("application/yaml").get("/specs/session/" + s + "?export=true").then()
                .statusCode(200).extract().asString();
        given().delete("/specs/session/" + s).then().statusCode(200);
        given().contentType("application/yaml").body(sessionYaml + "\n---\n" + yaml).put("/specs").then().statusCode(200)
                .body("items.action", everyItem(equalTo("created"))).body("items", hasSize(2));
        given().delete("/specs/session/" + s).then().statusCode(200).body("deleted", hasSize(2));
    }

    @Test
    void jsonAcceptsAnObjectAnArrayAndAnItemsList() {
        String a = unique("tool");
        String b = unique("tool");
        String c = unique("tool");
        String tool = "{\"apiVersion\":\"corral.dev/v1\",\"kind\":\"Tool\",\"metadata\":{\"name\":\"%s\"},\"spec\":{\"image\":\"corral/busybox\"}}";
        given().contentType(ContentType.JSON).body(tool.formatted(a)).put("/specs")
                .then().statusCode(200).body("items[0].action", equalTo("created"));
        given().contentType(ContentType.JSON).body("[" + tool.formatted(a) + "," + tool.formatted(b) + "]").put("/specs")
                .then().statusCode(200).body("items.action", equalTo(List.of("unchanged", "created")));
        given().contentType(ContentType.JSON).body("{\"items\":[" + tool.formatted(c) + "]}").put("/specs")
                .then().statusCode(200).body("items[0].action", equalTo("created"));
        given().get("/specs/tool/" + c).then().statusCode(200)
                .body("spec.timeoutSeconds", equalTo(60))
                .body("spec.network", equalTo("none"));
    }

    @Test
    void clientStatusIsIgnored() {
        String name = unique("agent");
        putYaml("""
                apiVersion: corral.dev/v1
                kind: Agent
                metadata: {name: %s}
                spec: {image: corral/busybox}
                status: {phase: Ready}
                """.formatted(name)).then().statusCode(200);
        given().get("/specs/agent/" + name).then().statusCode(200).body("status.phase", nullValue());
    }

    /** Invalid bodies, each with a path its 400 must name. */
    static Stream<Object[]> invalidBodies() {
        String base = """
                apiVersion: corral.dev/v1
                kind: Relic
                metadata: {name: web, session: s1}
                spec:
                  image: corral/busybox
                """;
        return Stream.of(
                new Object[]{"unknown field", base + "  imagee: x\n", "spec.imagee"},
                new Object[]{"wrong type", base + "  port: \"80\"\n", "spec.port"},
                new Object[]{"out of range", base + "  resources: {memoryMb: 2}\n", "spec.resources.memoryMb"},
                new Object[]{"bad name", base.replace("name: web", "name: Web_1"), "metadata.name"},
                new Object[]{"relic without session", base.replace(", session: s1", ""), "metadata.session"},
                new Object[]{"unknown kind", base.replace("kind: Relic", "kind: Pod"), "kind"},
                new Object[]{"unknown apiVersion", base.replace("corral.dev/v1", "corral.dev/v9"), "apiVersion"},
                new Object[]{"privileged", base + "  privileged: true\n", "spec.privileged"},
                new Object[]{"host network", base + "  hostNetwork: true\n", "spec.hostNetwork"},
                new Object[]{"host path outside roots", """
                        apiVersion: corral.dev/v1
                        kind: Agent
                        metadata: {name: bot}
                        spec: {image: corral/busybox, code: /etc}
                        """, "spec.code"});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidBodies")
    void invalidInputIsRefusedWithItsPathAndChangesNothing(String what, String body, String path) throws IOException {
        // A valid document first: all or nothing means it must not be stored either.
        String ok = unique("ok");
        Map<String, String> before = dataFiles();

        putYaml(session(ok) + "---\n" + body).then().statusCode(400)
                .body("error", notNullValue())
                .body("details.document", hasItem(1))
                .body("details.path", hasItem(path))
                .body("details.message", everyItem(notNullValue()));

        given().get("/specs/session/" + ok).then().statusCode(404);
        assertDataUnchanged(before);
    }

    @Test
    void everyErrorOfEveryDocumentIsListed() {
        putYaml("""
                apiVersion: corral.dev/v1
                kind: Relic
                metadata: {name: a, session: s}
                spec: {image: corral/busybox, resources: {cpus: 100}}
                ---
                apiVersion: corral.dev/v1
                kind: Tool
                metadata: {name: b}
                spec: {timeoutSeconds: 0}
                """).then().statusCode(400)
                .body("details", hasSize(3))
                .body("details.find { it.document == 0 }.path", equalTo("spec.resources.cpus"))
                .body("details.findAll { it.document == 1 }.path", equalTo(List.of("spec.timeoutSeconds", "spec.image")));
    }

    static Stream<Object[]> malformedBodies() {
        byte[] garbage = new byte[4096];
        new Random(42).nextBytes(garbage);
        String bomb = "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
                + "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n";
        String deepJson = "[".repeat(50_000) + "]".repeat(50_000);
        String deepYaml = "a: " + "[".repeat(50_000) + "]".repeat(50_000);
        String hugeString = "apiVersion: corral.dev/v1\nkind: Tool\nmetadata: {name: t}\nspec: {image: \""
                + "x".repeat(3_000_000) + "\"}\n";
        return Stream.of(
                new Object[]{"binary garbage as yaml", "application/yaml", garbage},
                new Object[]{"binary garbage as json", "application/json", garbage},
                new Object[]{"yaml bomb", "application/yaml", bomb.getBytes(StandardCharsets.UTF_8)},
                new Object[]{"deep json", "application/json", deepJson.getBytes(StandardCharsets.UTF_8)},
                new Object[]{"deep yaml", "application/yaml", deepYaml.getBytes(StandardCharsets.UTF_8)},
                new Object[]{"huge string", "application/yaml", hugeString.getBytes(StandardCharsets.UTF_8)},
                new Object[]{"java tag", "application/yaml",
                        "!!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://127.0.0.1:1/\"]]]]"
                                .getBytes(StandardCharsets.UTF_8)},
                new Object[]{"scalar document", "application/yaml", "just a string".getBytes(StandardCharsets.UTF_8)},
                new Object[]{"empty body", "application/yaml", new byte[0]},
                new Object[]{"json trailing garbage", "application/json", "{} {}".getBytes(StandardCharsets.UTF_8)});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedBodies")
    void malformedBodiesGetA400AndHarmNothing(String what, String type, byte[] body) throws IOException {
        Map<String, String> before = dataFiles();
        given().contentType(type).body(body).put("/specs").then().statusCode(400)
                .contentType(ContentType.JSON)
                .body("error", notNullValue());
        assertDataUnchanged(before);
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void unsupportedMediaTypeIs415() throws IOException {
        Map<String, String> before = dataFiles();
        given().contentType("text/plain").body(session(unique("s"))).put("/specs").then().statusCode(415)
                .contentType(ContentType.JSON).body("error", containsString("Content-Type"));
        assertDataUnchanged(before);
    }

    @Test
    void bodyOverTheLimitIs413() throws IOException {
        Map<String, String> before = dataFiles();
        byte[] big = new byte[9 * 1024 * 1024];
        java.util.Arrays.fill(big, (byte) 'a');
        given().contentType("application/yaml").body(big).put("/specs").then().statusCode(413)
                .contentType(ContentType.JSON).body("error", containsString("limit"));
        assertDataUnchanged(before);
    }

    @Test
    void staleResourceVersionIs409AndChangesNothing() throws IOException {
        String name = unique("tool");
        String tool = """
                apiVersion: corral.dev/v1
                kind: Tool
                metadata: {name: %s%s}
                spec: {image: corral/busybox:%s}
                """;
        int rv = putYaml(tool.formatted(name, "", "v1")).then().statusCode(200)
                .extract().path("items[0].resourceVersion");
        putYaml(tool.formatted(name, ", resourceVersion: " + rv, "v2")).then().statusCode(200)
                .body("items[0].action", equalTo("configured"));

        Map<String, String> before = dataFiles();
        putYaml(tool.formatted(name, ", resourceVersion: " + rv, "v3")).then().statusCode(409)
                .body("details[0].path", equalTo("metadata.resourceVersion"))
                .body("details[0].document", equalTo(0));
        assertDataUnchanged(before);
        given().get("/specs/tool/" + name).then().body("spec.image", equalTo("corral/busybox:v2"));
    }

    @Test
    void ifMatchIsAPreconditionOnSingleObjects() {
        String name = unique("tool");
        String tool = "apiVersion: corral.dev/v1\nkind: Tool\nmetadata: {name: %s}\nspec: {image: corral/busybox:%s}\n";
        putYaml(tool.formatted(name, "v1")).then().statusCode(200);
        String etag = given().get("/specs/tool/" + name).then().statusCode(200).extract().header("ETag");
        // A version that is certainly not current: one past the object's own (a literal "1" matched on a fresh store).
        long current = Long.parseLong(etag.replace("\"", ""));
        String stale = "\"" + (current + 1) + "\"";
        given().contentType("application/yaml").header("If-Match", stale).body(tool.formatted(name, "v2"))
                .put("/specs").then().statusCode(412);
        given().contentType("application/yaml").header("If-Match", etag).body(tool.formatted(name, "v2"))
                .put("/specs").then().statusCode(200).body("items[0].action", equalTo("configured"));
        given().header("If-Match", etag).delete("/specs/tool/" + name).then().statusCode(412);
        String etag2 = given().get("/specs/tool/" + name).then().extract().header("ETag");
        given().header("If-Match", etag2).delete("/specs/tool/" + name).then().statusCode(200)
                .body("deleted[0].name", equalTo(name));
        given().get("/specs/tool/" + name).then().statusCode(404).body("error", containsString("not found"));
    }

    @Test
    void dryRunReportsWithoutStoring() {
        String s = unique("s");
        given().contentType("application/yaml").queryParam("dryRun", true).body(session(s)).put("/specs")
                .then().statusCode(200)
                .body("dryRun", equalTo(true))
                .body("items[0].action", equalTo("created"));
        given().get("/specs/session/" + s).then().statusCode(404);
    }

    @Test
    void listFiltersByKindSessionAndSelector() {
        String s = unique("s");
        String other = unique("s");
        putYaml(session(s) + "---\n" + relic(s, "web", "a") + "---\n" + relic(s, "db", "a").replace("app: web", "app: db")
                + "---\n" + session(other) + "---\n" + relic(other, "web", "a")).then().statusCode(200);

        given().queryParam("kind", "relic").queryParam("session", s).get("/specs").then().statusCode(200)
                .body("items", hasSize(2))
                .body("items.metadata.name", equalTo(List.of("db", "web")));
        given().queryParam("session", s).queryParam("selector", "app=web").get("/specs").then()
                .body("items", hasSize(1)).body("items[0].metadata.name", equalTo("web"));
        given().queryParam("session", s).queryParam("selector", "app!=web,app").get("/specs").then()
                .body("items.metadata.name", equalTo(List.of("db")));
        given().queryParam("kind", "session").get("/specs").then()
                .body("items.metadata.name", hasItem(s))
                .body("items.kind", everyItem(equalTo("Session")));
        given().queryParam("selector", "=bad=").get("/specs").then().statusCode(400).body("error", containsString("selector"));
        given().queryParam("kind", "pod").get("/specs").then().statusCode(404);
    }

    @Test
    void yamlOnRequestAndTheOutputCanBeAppliedAgain() {
        String s = unique("s");
        putYaml(session(s) + "---\n" + relic(s, "web", "a")).then().statusCode(200);

        String one = given().accept("application/yaml").get("/specs/relic/{s}/web", s)
                .then().statusCode(200).contentType(containsString("yaml")).extract().asString();
        assertTrue(one.contains("kind: Relic") && one.contains("memoryMb: 256"), one);

        String all = given().accept("application/yaml").queryParam("session", s).get("/specs")
                .then().statusCode(200).extract().asString();
        putYaml(all).then().statusCode(200)
                .body("items", hasSize(1))
                .body("items.action", everyItem(equalTo("unchanged")));
    }

    @Test
    void deletingASessionDeletesWhatItScopes() {
        String s = unique("s");
        String keep = unique("s");
        putYaml(session(s) + "---\n" + relic(s, "web", "a") + "---\n" + relic(s, "db", "a")
                + "---\n" + session(keep) + "---\n" + relic(keep, "web", "a")
                + "---\napiVersion: corral.dev/v1\nkind: ToolRun\nmetadata: {name: r1, session: " + s + "}\n"
                + "spec: {language: bash, code: echo hi}\n").then().statusCode(200);

        given().delete("/specs/session/" + s).then().statusCode(200)
                .body("deleted", hasSize(4))
                .body("deleted[0].kind", equalTo("Session"))
                .body("deleted.name", hasItem("r1"));
        given().queryParam("session", s).get("/specs").then().body("items", hasSize(0));
        given().get("/specs/relic/{s}/web", keep).then().statusCode(200);
        given().delete("/specs/session/" + s).then().statusCode(404);
    }

    @Test
    void wrongPathsAre404WithJson() {
        given().get("/specs/pod/x").then().statusCode(404).contentType(ContentType.JSON).body("error", containsString("kind"));
        given().get("/specs/relic/x").then().statusCode(404).body("error", containsString("{session}"));
        given().get("/specs/agent/s/x").then().statusCode(404);
        given().get("/nothing-here").then().statusCode(404).contentType(ContentType.JSON);
    }

    @Test
    void toolRunSpecsCannotChange() {
        String name = unique("run");
        String run = "apiVersion: corral.dev/v1\nkind: ToolRun\nmetadata: {name: %s}\nspec: {language: bash, code: %s}\n";
        putYaml(run.formatted(name, "echo 1")).then().statusCode(200);
        putYaml(run.formatted(name, "echo 2")).then().statusCode(400).body("details[0].path", equalTo("spec"));
    }

    @Test
    void concurrentWritersLoseNothing() throws Exception {
        String prefix = unique("cw");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<List<Integer>>> futures = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
            int writer = w;
            futures.add(pool.submit(() -> {
                List<Integer> rvs = new ArrayList<>();
                for (int i = 0; i < 125; i++) {
                    rvs.add(putYaml("apiVersion: corral.dev/v1\nkind: Tool\nmetadata: {name: %s-%d-%d, labels: {batch: %s}}\nspec: {image: corral/busybox}\n"
                            .formatted(prefix, writer, i, prefix)).then().statusCode(200)
                            .extract().path("items[0].resourceVersion"));
                }
                return rvs;
            }));
        }
        Set<Integer> all = Collections.synchronizedSet(new HashSet<>());
        for (Future<List<Integer>> f : futures) {
            all.addAll(f.get());
        }
        pool.shutdown();
        assertEquals(1000, all.size(), "every acknowledged write has its own resourceVersion");
        List<Integer> stored = given().queryParam("kind", "tool").queryParam("selector", "batch=" + prefix).get("/specs")
                .then().statusCode(200).extract().path("items.metadata.resourceVersion");
        assertEquals(1000, stored.size());
        assertEquals(1000, new HashSet<>(stored).size());
    }

    @Test
    void healthMetricsAndOpenApiAnswer() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200).body("checks.name", hasItem("store"));
        given().get("/q/metrics").then().statusCode(200).body(containsString("corral_store_objects"));
        given().get("/q/openapi").then().statusCode(200).body(containsString("/specs"));
        given().get("/sources").then().statusCode(200).body("items.source", hasItem("api"));
    }

    // ---- helpers

    /** Every byte of every file in the data directory. */
    /**
     * What a refused request must not change: every stored object's identity, spec, labels and
     * generation. Status (and the resourceVersion and updatedAt its writes bump) is left out: the
     * reconcile loop writes status in the background while these tests run.
     */
    static Map<String, String> dataFiles() {
        List<Map<String, Object>> items = given().accept(ContentType.JSON).get("/specs").then().statusCode(200)
                .extract().path("items");
        Map<String, String> declared = new TreeMap<>();
        for (Map<String, Object> item : items) {
            Map<String, Object> copy = new TreeMap<>(item);
            copy.remove("status");
            @SuppressWarnings("unchecked")
            Map<String, Object> meta = new TreeMap<>((Map<String, Object>) item.get("metadata"));
            meta.remove("resourceVersion");
            meta.remove("updatedAt");
            copy.put("metadata", meta);
            declared.put(meta.get("uid").toString(), copy.toString());
        }
        return declared;
    }

    static void assertDataUnchanged(Map<String, String> before) {
        assertEquals(before, dataFiles(), "stored objects must be unchanged");
    }

    /**
     * These tests declare sessions, relics and agents that the reconcile loop really runs: delete
     * them and wait until their containers are gone, so the suite leaves nothing behind.
     */
    /** Quarkus resets rest-assured's port after the last test: remember the application's. */
    private static int appPort;

    @org.junit.jupiter.api.AfterEach
    void rememberPort() {
        appPort = RestAssured.port;
    }

    @AfterAll
    static void removeWhatTheseTestsDeclared() {
        RestAssured.port = appPort;
        List<Map<String, Object>> items = given().accept(ContentType.JSON).get("/specs").then().extract().path("items");
        Set<String> containers = new HashSet<>();
        for (Map<String, Object> item : items) {
            @SuppressWarnings("unchecked")
            Map<String, Object> meta = (Map<String, Object>) item.get("metadata");
            String kind = item.get("kind").toString().toLowerCase(java.util.Locale.ROOT);
            if (!"api".equals(meta.get("source"))) {
                continue;
            }
            if (kind.equals("relic")) {
                containers.add("corral-relic-" + meta.get("session") + "-" + meta.get("name"));
            } else if (kind.equals("agent")) {
                containers.add("corral-agent-" + meta.get("name"));
            }
            if (kind.equals("session") || kind.equals("agent")) {
                given().delete("/specs/" + kind + "/" + meta.get("name"));
            }
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() ->
                dev.corral.support.Docker.containers("corral.dev/instance=test").stream().noneMatch(containers::contains));
    }

    static {
        dev.corral.support.Rest.configure();
    }
}
