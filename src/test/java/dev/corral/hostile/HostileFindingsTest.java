package dev.corral.hostile;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.spec.Json;
import dev.corral.spec.SpecObject;
import dev.corral.spec.SpecParser;
import dev.corral.store.FileSpecStore;
import dev.corral.store.Query;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.awaitility.Awaitility.await;

/**
 * The findings of the hostile-input probe, one test per numbered item, each asserting the
 * behaviour the fix must have (finding 3, worker exhaustion, is {@link HostileExhaustionIT}: it
 * needs a process it can kill; finding 11, memory, is measured by {@code bench/hostile-bench.sh}).
 * Each test runs all of its cases and fails once, listing every case that did not hold.
 *
 * <p>The app runs with the reconcile loop off ({@link HostileProfile}): no Docker, and a posted
 * run stays Pending. Requests that HTTP clients will not send go over a raw socket ({@link Raw}).
 */
@QuarkusTest
@TestProfile(HostileProfile.class)
class HostileFindingsTest {

    static final Path WAL = HostileProfile.DATA.resolve("wal.log");
    static final List<String> INTERNALS = List.of("StreamReadConstraints", "com.fasterxml", "jackson", "org.yaml",
            "snakeyaml", "java.lang", "Exception", "[Source:", "reference chain");

    static {
        dev.corral.support.Rest.configure();
    }

    // ---- 1

    /** What the API or a watched file acknowledges is exactly what the store reads back at the next start. */
    @Test
    void finding01_acknowledgedWritesLoadAfterARestart() throws Exception {
        Checks c = new Checks("finding 1 (acknowledged writes the store cannot read back)");
        String id = unique("f1");
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("65-digit integer parameter (YAML)", "{n: 1" + "0".repeat(64) + "}");
        cases.put("64-digit integer parameter (YAML)", "{n: " + "9".repeat(64) + "}");
        cases.put("lone surrogate key (YAML \"\\udfff\")", "{\"\\udfff\": 1}");
        cases.put("lone surrogate value (YAML \"\\ud800\")", "{v: \"\\ud800\"}");
        cases.put("decimal of 70 digits (YAML)", "{d: 1." + "0".repeat(68) + "1}");
        cases.put("2^63 (YAML)", "{n: 9223372036854775808}");
        cases.put("-2^63-1 (YAML)", "{n: -9223372036854775809}");
        cases.put(".nan (YAML)", "{f: .nan}");
        cases.put(".inf (YAML)", "{f: .inf}");
        cases.put("1.0e+400 (YAML)", "{f: 1.0e+400}");
        cases.put("3.0000000000000000001 (YAML)", "{f: 3.0000000000000000001}");
        cases.put("NUL and U+FFFE (YAML escapes)", "{s: \"a\\0b\\uFFFEc\"}");
        cases.put("binary tag (YAML)", "{b: !!binary aGVsbG8=}");
        cases.put("timestamp (YAML)", "{t: 2001-12-14t21:59:43.10-05:00}");
        cases.put("empty key (YAML)", "{\"\": 1}");
        int i = 0;
        List<String> names = new ArrayList<>();
        try {
            for (Map.Entry<String, String> e : cases.entrySet()) {
                String name = id + "-" + i++;
                names.add(name);
                String yaml = "apiVersion: corral.dev/v1\nkind: ToolRun\nmetadata: {name: " + name + "}\n"
                        + "spec: {tool: t, parameters: " + e.getValue() + "}\n";
                long before = walSize();
                Raw.Response r = putYaml(yaml);
                checkRoundTrip(c, e.getKey() + " via PUT /specs", r, before, "ToolRun", name);
            }
            // JSON: the same edges as JSON can spell them.
            Map<String, String> jsonCases = new LinkedHashMap<>();
            jsonCases.put("64-digit integer parameter (JSON)", "{\"n\": " + "9".repeat(64) + "}");
            jsonCases.put("lone surrogate key (JSON \\udfff)", "{\"\\udfff\": 1}");
            jsonCases.put("lone surrogate value (JSON \\ud800)", "{\"v\": \"\\ud800\"}");
            jsonCases.put("1e308 (JSON)", "{\"f\": 1e308}");
            jsonCases.put("64-character decimal (JSON)", "{\"d\": 0." + "0".repeat(61) + "1}");
            for (Map.Entry<String, String> e : jsonCases.entrySet()) {
                String name = id + "-" + i++;
                names.add(name);
                String json = "{\"apiVersion\":\"corral.dev/v1\",\"kind\":\"ToolRun\",\"metadata\":{\"name\":\"" + name
                        + "\"},\"spec\":{\"tool\":\"t\",\"parameters\":" + e.getValue() + "}}";
                long before = walSize();
                checkRoundTrip(c, e.getKey() + " via PUT /specs", putJson("/specs", json), before, "ToolRun", name);
            }
            // The same through a watched specs file.
            String fileRun = id + "-file";
            names.add(fileRun);
            Path file = HostileProfile.SPECS.resolve(fileRun + ".yaml");
            long before = walSize();
            Files.writeString(file, "apiVersion: corral.dev/v1\nkind: ToolRun\nmetadata: {name: " + fileRun + "}\n"
                    + "spec: {tool: t, parameters: {n: 1" + "0".repeat(64) + ", \"\\udfff\": 1}}\n");
            String source = "file:" + file.getFileName();
            boolean settled = awaitQuietly(Duration.ofSeconds(15), () -> {
                JsonNode s = sourceState(source);
                return s != null && (s.has("appliedAt") || (s.has("errors") && s.get("errors").size() > 0));
            });
            c.expect(settled, "the watched file " + file.getFileName() + " is applied or refused within 15 s", "neither");
            Raw.Response fileGet = Raw.get(port(), "/specs/toolrun/" + fileRun, "Accept", "application/json");
            checkRoundTrip(c, "65-digit integer and lone surrogate key via a watched file", fileGet, before, "ToolRun", fileRun);
            Files.deleteIfExists(file);
            awaitQuietly(Duration.ofSeconds(15), () -> Raw.get(port(), "/specs/toolrun/" + fileRun).status() == 404);
        } finally {
            // By name: a listing that holds these values may not even be readable.
            names.forEach(n -> Raw.send(port(), "DELETE", "/specs/toolrun/" + n, Map.of(), null));
        }
        c.verify();
    }

    /**
     * If the request was acknowledged, the write-ahead log records written for it must load in a
     * fresh store and hold the same spec that GET answers.
     */
    private void checkRoundTrip(Checks c, String what, Raw.Response r, long walBefore, String kind, String name) {
        if (r.status() >= 400 && r.status() < 500) {
            c.expect(r.isJsonError(), what + ": refused with Corral's JSON error", r.summary());
            return;
        }
        c.expect(r.status() == 200, what + ": 200 or a 4xx", r.summary());
        if (r.status() != 200) {
            return;
        }
        Raw.Response got = Raw.get(port(), "/specs/" + kind.toLowerCase(Locale.ROOT) + "/" + name, "Accept", "application/json");
        try {
            List<SpecObject> loaded = loadWalSlice(walBefore, walSize());
            SpecObject o = loaded.stream().filter(x -> x.metadata().name().equals(name)).findFirst().orElse(null);
            c.expect(o != null, what + ": acknowledged, so the store read back holds it", "absent after reload");
            if (o != null && got.status() == 200) {
                JsonNode served = Fuzz.PLAIN.readTree(got.body()).get("spec");
                c.expect(Json.sameValue(served, o.spec()), what + ": the reloaded spec equals what GET served",
                        "GET " + served + " vs reloaded " + o.spec());
            }
        } catch (Exception | Error e) {
            c.expect(false, what + ": acknowledged (200), so the store must load it at the next start",
                    firstLine(e.toString()));
        }
    }

    // ---- 2

    /** A lone surrogate in a value is refused at the door, or encoded faithfully everywhere; a listing is never cut short with a 200. */
    @Test
    void finding02_loneSurrogatesAreRefusedOrServedFaithfully() throws Exception {
        Checks c = new Checks("finding 2 (lone surrogates in values)");
        String id = unique("f2");
        String[][] cases = {
                {"JSON env value \\ud800", "application/json",
                        "{\"apiVersion\":\"corral.dev/v1\",\"kind\":\"Tool\",\"metadata\":{\"name\":\"" + id + "-a\",\"labels\":{\"f2\":\"" + id + "\"}},"
                                + "\"spec\":{\"image\":\"corral/busybox\",\"env\":{\"K\":\"\\ud800\"}}}", id + "-a"},
                {"YAML annotation value \\udfff", "application/yaml",
                        "apiVersion: corral.dev/v1\nkind: Tool\nmetadata: {name: " + id + "-b, labels: {f2: " + id + "}, annotations: {x/y: \"a\\udfffb\"}}\n"
                                + "spec: {image: corral/busybox}\n", id + "-b"},
                {"JSON parameter key \\udc00", "application/json",
                        "{\"apiVersion\":\"corral.dev/v1\",\"kind\":\"ToolRun\",\"metadata\":{\"name\":\"" + id + "-c\",\"labels\":{\"f2\":\"" + id + "\"}},"
                                + "\"spec\":{\"tool\":\"t\",\"parameters\":{\"\\udc00\":\"v\"}}}", id + "-c"}};
        for (String[] k : cases) {
            Raw.Response r = Raw.send(port(), "PUT", "/specs", Map.of("Content-Type", k[1]), k[2].getBytes(StandardCharsets.UTF_8));
            if (r.status() == 400) {
                c.expect(r.isJsonError(), k[0] + ": refused with Corral's JSON error", r.summary());
                continue;
            }
            c.expect(r.status() == 200, k[0] + ": 400 at the door (or 200 and served faithfully)", r.summary());
            String kind = k[2].contains("ToolRun") ? "toolrun" : "tool";
            Raw.Response json = Raw.get(port(), "/specs/" + kind + "/" + k[3], "Accept", "application/json");
            Raw.Response yaml = Raw.get(port(), "/specs/" + kind + "/" + k[3], "Accept", "application/yaml");
            c.expect(json.status() == 200, k[0] + ": accepted, so GET as JSON answers 200", json.summary());
            c.expect(yaml.status() == 200, k[0] + ": accepted, so GET as YAML answers 200", yaml.summary());
            if (json.status() == 200 && yaml.status() == 200) {
                try {
                    JsonNode a = Fuzz.PLAIN.readTree(json.body());
                    JsonNode b = SpecParser.parse(yaml.body(), SpecParser.Format.YAML).get(0);
                    c.expect(Json.sameValue(a.get("spec"), b.get("spec")) && Json.sameValue(a.at("/metadata/annotations"), b.at("/metadata/annotations")),
                            k[0] + ": the YAML answer holds the same value as the JSON one", a.get("spec") + " vs " + b.get("spec"));
                } catch (Exception e) {
                    c.expect(false, k[0] + ": the YAML answer reads back", firstLine(e.toString()));
                }
            }
        }
        // Listings: the YAML one holds as many documents as the JSON one, or is not a 200.
        for (String query : List.of("?selector=f2%3D" + id, "")) {
            Raw.Response json = Raw.get(port(), "/specs" + query, "Accept", "application/json");
            Raw.Response yaml = Raw.get(port(), "/specs" + query, "Accept", "application/yaml");
            int jsonCount = json.status() == 200 ? count(json.text(), "\"apiVersion\":") : -1;
            List<String> problems = new ArrayList<>();
            int yamlCount = yaml.status() == 200 ? Fuzz.plainYaml(yaml.body(), problems).size() : -1;
            c.expect(yaml.status() != 200 || (yamlCount == jsonCount && problems.isEmpty()),
                    "GET /specs" + query + " as YAML is never cut short with a 200",
                    "200 with " + yamlCount + " documents (JSON lists " + jsonCount + ")" + (problems.isEmpty() ? "" : "; " + problems.get(0)));
            c.expect(yaml.status() == 200 || (yaml.status() >= 400 && yaml.status() < 500 && yaml.isJsonError()),
                    "GET /specs" + query + " as YAML answers 200 or a 4xx with JSON", yaml.summary());
        }
        Raw.send(port(), "DELETE", "/specs/tool/" + id + "-a", Map.of(), null);
        Raw.send(port(), "DELETE", "/specs/tool/" + id + "-b", Map.of(), null);
        Raw.send(port(), "DELETE", "/specs/toolrun/" + id + "-c", Map.of(), null);
        c.verify();
    }

    // ---- 4

    /** Inputs that were 500s are 4xx with Corral's JSON body. */
    @Test
    void finding04_malformedInputsAre4xxNot500() {
        Checks c = new Checks("finding 4 (500s)");
        String run = postRun("{\"language\":\"bash\",\"code\":\"echo hi\"}");
        c.expect4xxJson("GET /runs/{name}/files/a%00b", Raw.get(port(), "/runs/" + run + "/files/a%00b"));
        Raw.Response head = Raw.send(port(), "HEAD", "/runs/" + run + "/files/a%00b", Map.of(), null);
        c.expect(head.status() >= 400 && head.status() < 500, "HEAD /runs/{name}/files/a%00b: a 4xx", head.summary());
        String session = unique("f4");
        String yaml = "apiVersion: corral.dev/v1\nkind: Session\nmetadata: {name: " + session + "}\n";
        for (String t : List.of("999999999999999999m", "9223372036854775807m", "9223372036854775807s", "99999999999999999999ms")) {
            c.expect4xxJson("PUT /specs?wait=true&timeout=" + t, Raw.send(port(), "PUT", "/specs?wait=true&timeout=" + t,
                    Map.of("Content-Type", "application/yaml"), yaml.getBytes(StandardCharsets.UTF_8)));
            c.expect4xxJson("POST /runs?wait=true&timeout=" + t, Raw.send(port(), "POST", "/runs?wait=true&timeout=" + t,
                    Map.of("Content-Type", "application/json"), "{\"language\":\"bash\",\"code\":\"echo\"}".getBytes(StandardCharsets.UTF_8)));
        }
        putYaml("apiVersion: corral.dev/v1\nkind: Tool\nmetadata: {name: " + session + "}\nspec: {image: corral/busybox}\n");
        for (String path : List.of("/specs", "/specs/tool/" + session, "/specs/relic/" + session + "/x", "/sources")) {
            Raw.Response r = Raw.get(port(), path, "Accept", "");
            // The brief asks for a 4xx with JSON; a 200 in JSON (treating the empty Accept as */*) is as good.
            c.expect((r.status() >= 400 && r.status() < 500 && r.isJsonError()) || (r.status() == 200 && r.isJson()),
                    "GET " + path + " with an empty Accept header: a 4xx with JSON (or 200 JSON)", r.summary());
        }
        Raw.send(port(), "DELETE", "/runs/" + run, Map.of(), null);
        Raw.send(port(), "DELETE", "/specs/tool/" + session, Map.of(), null);
        c.verify();
    }

    // ---- 5

    /** POST /runs takes ToolRuns only, and a refused request changes nothing. */
    @Test
    void finding05_runsAcceptsToolRunsOnlyAndARefusalChangesNothing() {
        Checks c = new Checks("finding 5 (POST /runs with other kinds)");
        String tool = unique("f5");
        c.expect(putYaml(toolYaml(tool, "v1")).status() == 200, "set-up: the Tool is applied", "");
        Raw.Response r = postRunRaw(specJson("Tool", tool, "{\"image\":\"corral/busybox:v2\"}"));
        c.expectStatusJson("POST /runs with a Tool spec for an existing Tool", 400, r);
        String image = jsonAt(Raw.get(port(), "/specs/tool/" + tool), "/spec/image");
        c.expect("corral/busybox:v1".equals(image), "the refused request left the Tool unchanged", "spec.image is " + image);
        String other = unique("f5");
        c.expectStatusJson("POST /runs with a new Tool spec", 400, postRunRaw(specJson("Tool", other, "{\"image\":\"corral/busybox\"}")));
        c.expect(Raw.get(port(), "/specs/tool/" + other).status() == 404, "the refused Tool was not created",
                Raw.get(port(), "/specs/tool/" + other).status());
        c.expectStatusJson("POST /runs with a Session spec", 400, postRunRaw(specJson("Session", other, "{}")));
        c.expect(Raw.get(port(), "/specs/session/" + other).status() == 404, "the refused Session was not created",
                Raw.get(port(), "/specs/session/" + other).status());
        c.expectStatusJson("POST /runs with an Agent spec", 400, postRunRaw(specJson("Agent", other, "{\"image\":\"corral/busybox\"}")));
        c.expect(Raw.get(port(), "/specs/agent/" + other).status() == 404, "the refused Agent was not created",
                Raw.get(port(), "/specs/agent/" + other).status());
        Raw.send(port(), "DELETE", "/specs/tool/" + tool, Map.of(), null);
        Raw.send(port(), "DELETE", "/specs/session/" + other, Map.of(), null);
        Raw.send(port(), "DELETE", "/specs/agent/" + other, Map.of(), null);
        Raw.send(port(), "DELETE", "/specs/tool/" + other, Map.of(), null);
        c.verify();
    }

    // ---- 6

    /** RFC 9110 preconditions: malformed If-Match is a 400, weak tags never match a write, '*' means exists, a mismatch is a 412. */
    @Test
    void finding06_ifMatchFollowsRfc9110() {
        Checks c = new Checks("finding 6 (preconditions)");
        String tool = unique("f6");
        // Each case: the If-Match value made from the object's current resourceVersion, and the expected status.
        List<Map.Entry<java.util.function.LongFunction<String>, Integer>> deletes = List.of(
                Map.entry(rv -> "", 400),
                Map.entry(rv -> "   ", 400),
                Map.entry(rv -> String.valueOf(rv), 400),
                Map.entry(rv -> "\"" + rv, 400),
                Map.entry(rv -> "W/\"" + rv + "\"", 412),
                Map.entry(rv -> "\"0" + rv + "\"", 412),
                Map.entry(rv -> "\"+" + rv + "\"", 412),
                Map.entry(rv -> "\"" + (rv + 1000) + "\"", 412));
        for (var e : deletes) {
            long rv = ensureTool(tool);
            String value = e.getKey().apply(rv);
            Raw.Response r = Raw.send(port(), "DELETE", "/specs/tool/" + tool, Map.of("If-Match", value), null);
            c.expectStatusJson("DELETE with If-Match: '" + value + "' (current rv " + rv + ")", e.getValue(), r);
            c.expect(Raw.get(port(), "/specs/tool/" + tool).status() == 200, "DELETE with If-Match: '" + value
                    + "' left the object in place", "it was deleted");
        }
        List<Map.Entry<java.util.function.LongFunction<String>, Integer>> puts = List.of(
                Map.entry(rv -> "", 400),
                Map.entry(rv -> "W/\"" + rv + "\"", 412),
                Map.entry(rv -> "\"" + (rv + 1000) + "\"", 412));
        for (var e : puts) {
            long rv = ensureTool(tool);
            String value = e.getKey().apply(rv);
            Raw.Response r = Raw.send(port(), "PUT", "/specs", Map.of("Content-Type", "application/yaml", "If-Match", value),
                    toolYaml(tool, "v2").getBytes(StandardCharsets.UTF_8));
            c.expectStatusJson("PUT with If-Match: '" + value + "' (current rv " + rv + ")", e.getValue(), r);
            String image = jsonAt(Raw.get(port(), "/specs/tool/" + tool), "/spec/image");
            c.expect("corral/busybox:v1".equals(image), "PUT with If-Match: '" + value + "' changed nothing", image);
        }
        String fresh = unique("f6");
        Raw.Response starNew = Raw.send(port(), "PUT", "/specs", Map.of("Content-Type", "application/yaml", "If-Match", "*"),
                toolYaml(fresh, "v1").getBytes(StandardCharsets.UTF_8));
        c.expectStatusJson("PUT with If-Match: * of an object that does not exist", 412, starNew);
        c.expect(Raw.get(port(), "/specs/tool/" + fresh).status() == 404, "PUT with If-Match: * did not create it", "created");
        ensureTool(tool);
        c.expectStatus(200, "PUT with If-Match: * of an existing object", Raw.send(port(), "PUT", "/specs",
                Map.of("Content-Type", "application/yaml", "If-Match", "*"), toolYaml(tool, "v3").getBytes(StandardCharsets.UTF_8)));
        ensureTool(tool);
        c.expectStatus(200, "DELETE with If-Match: * of an existing object",
                Raw.send(port(), "DELETE", "/specs/tool/" + tool, Map.of("If-Match", "*"), null));
        long rv = ensureTool(tool);
        c.expectStatus(200, "DELETE with the current strong ETag \"" + rv + "\"",
                Raw.send(port(), "DELETE", "/specs/tool/" + tool, Map.of("If-Match", "\"" + rv + "\""), null));
        Raw.send(port(), "DELETE", "/specs/tool/" + tool, Map.of(), null);
        Raw.send(port(), "DELETE", "/specs/tool/" + fresh, Map.of(), null);
        c.verify();
    }

    /** Makes the Tool exist at image v1 (re-creating or resetting it after a case changed it) and returns its resourceVersion. */
    private static long ensureTool(String name) {
        Raw.Response got = Raw.get(port(), "/specs/tool/" + name);
        if (got.status() != 200 || !"corral/busybox:v1".equals(jsonAt(got, "/spec/image"))) {
            putYaml(toolYaml(name, "v1"));
            got = Raw.get(port(), "/specs/tool/" + name);
        }
        String etag = got.header("etag");
        if (etag == null || !etag.matches("\"\\d+\"")) {
            throw new AssertionError("set-up: GET answers a strong ETag, not " + etag);
        }
        return Long.parseLong(etag.replace("\"", ""));
    }

    // ---- 7

    /** Boolean query parameters take true/false/1/0 (empty = true); anything else is a 400 naming the parameter. */
    @Test
    void finding07_booleanQueryParametersAreStrict() {
        Checks c = new Checks("finding 7 (boolean query parameters)");
        String[][] dry = {{"maybe", "400"}, {"", "dry"}, {"1", "dry"}, {"true", "dry"}, {"0", "real"}, {"false", "real"}, {"yes", "400"}};
        for (String[] d : dry) {
            String s = unique("f7");
            Raw.Response r = Raw.send(port(), "PUT", "/specs?dryRun=" + d[0], Map.of("Content-Type", "application/yaml"),
                    ("apiVersion: corral.dev/v1\nkind: Session\nmetadata: {name: " + s + "}\n").getBytes(StandardCharsets.UTF_8));
            boolean stored = Raw.get(port(), "/specs/session/" + s).status() == 200;
            switch (d[1]) {
                case "400" -> {
                    c.expect(r.status() == 400 && r.isJsonError() && r.text().contains("dryRun"),
                            "PUT /specs?dryRun=" + d[0] + ": 400 naming dryRun", r.summary());
                    c.expect(!stored, "PUT /specs?dryRun=" + d[0] + " stored nothing", "it was applied for real");
                }
                case "dry" -> {
                    c.expect(r.status() == 200 && "true".equals(jsonAt(r, "/dryRun")), "PUT /specs?dryRun=" + d[0] + " is a dry run", r.summary());
                    c.expect(!stored, "PUT /specs?dryRun=" + d[0] + " stored nothing", "it was applied for real");
                }
                default -> c.expect(r.status() == 200 && stored, "PUT /specs?dryRun=" + d[0] + " applies", r.summary());
            }
            Raw.send(port(), "DELETE", "/specs/session/" + s, Map.of(), null);
        }
        String s = unique("f7");
        Raw.Response wait = Raw.send(port(), "PUT", "/specs?wait=maybe", Map.of("Content-Type", "application/yaml"),
                ("apiVersion: corral.dev/v1\nkind: Session\nmetadata: {name: " + s + "}\n").getBytes(StandardCharsets.UTF_8));
        c.expect(wait.status() == 400 && wait.isJsonError() && wait.text().contains("wait"), "PUT /specs?wait=maybe: 400 naming wait", wait.summary());
        String runName = unique("f7");
        Raw.Response postWait = Raw.send(port(), "POST", "/runs?wait=maybe", Map.of("Content-Type", "application/json"),
                ("{\"name\":\"" + runName + "\",\"language\":\"bash\",\"code\":\"echo\"}").getBytes(StandardCharsets.UTF_8));
        c.expect(postWait.status() == 400 && postWait.isJsonError() && postWait.text().contains("wait"),
                "POST /runs?wait=maybe: 400 naming wait", postWait.summary());
        c.expect(Raw.get(port(), "/runs/" + runName).status() == 404, "POST /runs?wait=maybe started no run", "it did");
        String run = postRun("{\"language\":\"bash\",\"code\":\"echo\"}");
        for (String p : List.of("follow", "timestamps")) {
            Raw.Response r = Raw.get(port(), "/runs/" + run + "/logs?" + p + "=maybe");
            c.expect(r.status() == 400 && r.isJsonError() && r.text().contains(p), "GET /runs/{name}/logs?" + p + "=maybe: 400 naming " + p,
                    r.summary());
        }
        Raw.send(port(), "DELETE", "/runs/" + run, Map.of(), null);
        Raw.send(port(), "DELETE", "/runs/" + runName, Map.of(), null);
        Raw.send(port(), "DELETE", "/specs/session/" + s, Map.of(), null);
        c.verify();
    }

    // ---- 8

    /** Past corral.runs.max-queued waiting runs, POST /runs is a 429 with Retry-After, loop or no loop, also under concurrency. */
    @Test
    void finding08_theRunQueueIsCappedAtomically() throws Exception {
        Checks c = new Checks("finding 8 (max-queued)");
        int maxQueued = 200;
        int before = pendingRuns();
        int tries = maxQueued + 50;
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<Raw.Response>> futures = new ArrayList<>();
        for (int i = 0; i < tries; i++) {
            futures.add(pool.submit(() -> Raw.send(port(), "POST", "/runs", Map.of("Content-Type", "application/json"),
                    "{\"language\":\"bash\",\"code\":\"echo\"}".getBytes(StandardCharsets.UTF_8))));
        }
        List<String> created = new ArrayList<>();
        int refused = 0;
        List<String> other = new ArrayList<>();
        for (Future<Raw.Response> f : futures) {
            Raw.Response r = f.get();
            if (r.status() == 201) {
                created.add(jsonAt(r, "/metadata/name"));
            } else if (r.status() == 429 && r.header("retry-after") != null && r.isJsonError()) {
                refused++;
            } else {
                other.add(r.summary());
            }
        }
        pool.shutdown();
        int after = pendingRuns();
        c.expect(other.isEmpty(), "every POST /runs is a 201 or a 429 with Retry-After and JSON", other.size() + " others, e.g. "
                + (other.isEmpty() ? "" : other.get(0)));
        c.expect(refused > 0, tries + " POST /runs past " + maxQueued + " waiting runs: some are 429", "none of " + tries
                + " was refused (" + created.size() + " created)");
        c.expect(created.size() <= Math.max(0, maxQueued - before), "no more runs created than the queue has room for ("
                + Math.max(0, maxQueued - before) + ")", created.size() + " created");
        c.expect(after <= Math.max(maxQueued, before), "at most " + maxQueued + " runs wait afterwards", after);
        for (String name : created) {
            Raw.send(port(), "DELETE", "/runs/" + name, Map.of(), null);
        }
        c.verify();
    }

    // ---- 9

    /** Every error is Corral's JSON body, including those Vert.x answers before Corral sees the request. */
    @Test
    void finding09_everyErrorBodyIsJson() {
        Checks c = new Checks("finding 9 (error bodies not JSON)");
        int p = port();
        c.expectStatusJson("bad percent-encoding in the path", 400, Raw.get(p, "/specs/tool/%zz"));
        c.expectStatusJson("bad percent-encoding in the query", 400, Raw.get(p, "/specs?kind=%zz"));
        c.expectStatusJson("a control byte in the path", 400, Raw.get(p, "/specs/tool/a\u0001b"));
        c.expectStatusJson("a NUL in a header", 400, Raw.get(p, "/specs", "X-A", "a\u0000b"));
        c.expectStatusJson("a DEL in a header", 400, Raw.get(p, "/sources", "X-A", "a\u007fb"));
        c.expectStatusJson("a URL over 4096 bytes", 414, Raw.get(p, "/specs?x=" + "a".repeat(5000)));
        Raw.Response star = Raw.send(p, "OPTIONS", "*", Map.of(), null);
        c.expect4xxJson("an OPTIONS * request", star);
        c.expectStatusJson("a 64 KiB header", 431, Raw.get(p, "/specs", "X-A", "a".repeat(64 * 1024)));
        byte[] big = new byte[9 * 1024 * 1024];
        java.util.Arrays.fill(big, (byte) 'a');
        c.expectStatusJson("a chunked body over the limit", 413, Raw.send(p, "PUT", "/specs",
                Map.of("Content-Type", "application/yaml", "Transfer-Encoding", "chunked"), big));
        c.expectStatusJson("a Content-Length body over the limit", 413, Raw.send(p, "PUT", "/specs",
                Map.of("Content-Type", "application/yaml"), big));
        c.verify();
    }

    // ---- 10

    /** Decimals in integer fields are refused, in JSON and YAML. */
    @Test
    void finding10a_decimalsInIntegerFieldsAreRefused() {
        Checks c = new Checks("finding 10a (decimals accepted for integer fields)");
        for (String v : List.of("1.0", "1E+2", "3.0000000000000000001", "1e2", "60.0")) {
            for (boolean json : new boolean[]{true, false}) {
                String name = unique("f10a");
                Raw.Response r = json
                        ? putJson("/specs", specJson("Tool", name, "{\"image\":\"corral/busybox\",\"timeoutSeconds\":" + v + "}"))
                        : putYaml("apiVersion: corral.dev/v1\nkind: Tool\nmetadata: {name: " + name + "}\nspec: {image: corral/busybox, timeoutSeconds: " + v + "}\n");
                c.expectStatusJson("timeoutSeconds: " + v + (json ? " (JSON)" : " (YAML)"), 400, r);
                Raw.send(port(), "DELETE", "/specs/tool/" + name, Map.of(), null);
            }
        }
        c.verify();
    }

    @Test
    void finding10b_omapAndOtherCollectionTagsAreRefused() {
        Checks c = new Checks("finding 10b (!!omap accepted)");
        for (String tagged : List.of("!!omap [{a: 1}, {b: 2}]", "!!pairs [{a: 1}]", "!!set {a, b}")) {
            String name = unique("f10b");
            c.expectStatusJson("parameters holding " + tagged, 400, putYaml("apiVersion: corral.dev/v1\nkind: ToolRun\nmetadata: {name: "
                    + name + "}\nspec: {tool: t, parameters: {v: " + tagged + "}}\n"));
            Raw.send(port(), "DELETE", "/specs/toolrun/" + name, Map.of(), null);
        }
        c.verify();
    }

    @Test
    void finding10c_runNamesMustBeStrings() {
        Checks c = new Checks("finding 10c (POST /runs name null/true/0)");
        for (String v : List.of("null", "true", "0", "1.5", "[]", "{}")) {
            Raw.Response r = postRunRaw("{\"name\":" + v + ",\"language\":\"bash\",\"code\":\"echo\"}");
            c.expectStatusJson("POST /runs with \"name\": " + v, 400, r);
            if (r.status() == 201) {
                Raw.send(port(), "DELETE", "/runs/" + jsonAt(r, "/metadata/name"), Map.of(), null);
            }
        }
        c.verify();
    }

    @Test
    void finding10d_removingASpecsFileRemovesTheRunsScopedToItsSession() throws IOException {
        Checks c = new Checks("finding 10d (file prune left a scoped API ToolRun)");
        String s = unique("f10d");
        Path file = HostileProfile.SPECS.resolve(s + ".yaml");
        Files.writeString(file, "apiVersion: corral.dev/v1\nkind: Session\nmetadata: {name: " + s + "}\n");
        c.expect(awaitQuietly(Duration.ofSeconds(15), () -> Raw.get(port(), "/specs/session/" + s).status() == 200),
                "set-up: the file's Session appears", "it did not");
        Raw.Response run = postRunRaw("{\"language\":\"bash\",\"code\":\"echo\",\"session\":\"" + s + "\"}");
        c.expect(run.status() == 201, "set-up: a run in the Session is started", run.summary());
        String name = jsonAt(run, "/metadata/name");
        Files.delete(file);
        c.expect(awaitQuietly(Duration.ofSeconds(15), () -> Raw.get(port(), "/specs/session/" + s).status() == 404),
                "removing the file removes its Session", "it stayed");
        c.expect(awaitQuietly(Duration.ofSeconds(10), () -> Raw.get(port(), "/specs/toolrun/" + s + "/" + name).status() == 404),
                "removing the file removes the API ToolRun scoped to its Session too", "the run stayed");
        Raw.send(port(), "DELETE", "/specs/toolrun/" + s + "/" + name, Map.of(), null);
        c.verify();
    }

    @Test
    void finding10e_labelOrderIsStable() throws Exception {
        Checks c = new Checks("finding 10e (label order changes across a restart)");
        String name = unique("f10e");
        List<String> declared = List.of("zeta", "alpha", "mu", "beta9", "k.io/omega", "app", "tier", "x");
        StringBuilder labels = new StringBuilder();
        for (String k : declared) {
            labels.append(labels.length() == 0 ? "" : ", ").append(k).append(": v");
        }
        long before = walSize();
        putYaml("apiVersion: corral.dev/v1\nkind: Tool\nmetadata: {name: " + name + ", labels: {" + labels + "}}\nspec: {image: corral/busybox}\n");
        List<String> served = fieldNames(Fuzz.PLAIN.readTree(Raw.get(port(), "/specs/tool/" + name).body()).at("/metadata/labels"));
        List<String> sorted = declared.stream().sorted().toList();
        c.expect(served.equals(declared) || served.equals(sorted), "GET lists labels in a order that does not depend on the process "
                + "(as declared, or sorted)", served);
        SpecObject reloaded = loadWalSlice(before, walSize()).stream().filter(o -> o.metadata().name().equals(name)).findFirst().orElseThrow();
        List<String> afterReload = fieldNames(Json.MAPPER.valueToTree(reloaded).at("/metadata/labels"));
        c.expect(afterReload.equals(served), "the store read back lists the labels in the same order", afterReload + " vs " + served);
        Raw.send(port(), "DELETE", "/specs/tool/" + name, Map.of(), null);
        c.verify();
    }

    @Test
    void finding10f_errorMessagesAreCorralsOwnWords() {
        Checks c = new Checks("finding 10f (error messages quote library internals)");
        String name = unique("f10f");
        Map<String, Raw.Response> answers = new LinkedHashMap<>();
        answers.put("a 70-digit number (JSON)", putJson("/specs", specJson("Tool", name, "{\"image\":\"x\",\"timeoutSeconds\":" + "9".repeat(70) + "}")));
        answers.put("100 levels of nesting (JSON)", putJson("/specs", "[".repeat(100) + "]".repeat(100)));
        answers.put("a 60 000-character key (JSON)", putJson("/specs", "{\"" + "k".repeat(60_000) + "\": 1}"));
        answers.put("a bad escape (JSON)", putJson("/specs", "{\"a\": \"\\x\"}"));
        answers.put("a duplicate key (JSON)", putJson("/specs", "{\"a\": 1, \"a\": 2}"));
        answers.put("a NUL byte (JSON)", putJson("/specs", "{\"a\u0000\": 1}"));
        answers.put("a Java tag (YAML)", putYaml("!!java.io.File [/etc/passwd]\n"));
        answers.put("an alias bomb (YAML)", putYaml("a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
                + "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"));
        answers.put("an unknown tag (YAML)", putYaml("apiVersion: corral.dev/v1\nkind: !foo Tool\n"));
        answers.put("a tab indent (YAML)", putYaml("a:\n\t- b\n"));
        answers.put("POST /runs with a 70-digit timeout", postRunRaw("{\"language\":\"bash\",\"code\":\"x\",\"timeoutSeconds\":" + "9".repeat(70) + "}"));
        answers.put("POST /execute with an array", Raw.send(port(), "POST", "/execute", Map.of("Content-Type", "application/json"),
                "[1,2".getBytes(StandardCharsets.UTF_8)));
        for (Map.Entry<String, Raw.Response> e : answers.entrySet()) {
            Raw.Response r = e.getValue();
            String body = r.text();
            String leak = INTERNALS.stream().filter(x -> body.toLowerCase(Locale.ROOT).contains(x.toLowerCase(Locale.ROOT))).findFirst().orElse(null);
            c.expect(r.status() == 400 && r.isJsonError(), e.getKey() + ": 400 with JSON", r.summary());
            c.expect(leak == null, e.getKey() + ": the message is in Corral's words (no '" + leak + "')", r.summary());
        }
        c.verify();
    }

    @Test
    void finding10g_crossSiteRequestsAreRefused() {
        Checks c = new Checks("finding 10g (cross-site requests)");
        String host = "localhost:" + port();
        String a = postRun("{\"language\":\"bash\",\"code\":\"echo a\"}");
        String b = postRun("{\"language\":\"bash\",\"code\":\"echo b\"}");
        Map<String, String> evil = Map.of("Host", host, "Origin", "http://evil.example");
        Raw.Response r = Raw.send(port(), "POST", "/runs/" + a + "/cancel", evil, null);
        c.expectStatusJson("POST /runs/{name}/cancel from Origin http://evil.example", 403, r);
        c.expect(jsonAt(Raw.get(port(), "/runs/" + a), "/metadata/annotations") == null,
                "the cross-site cancel changed nothing", "the run carries " + jsonAt(Raw.get(port(), "/runs/" + a), "/metadata/annotations"));
        c.expect(Raw.send(port(), "POST", "/runs/" + a + "/cancel", Map.of("Host", host), null).status() == 202,
                "the same cancel without an Origin passes (202)", "");
        c.expect(Raw.send(port(), "POST", "/runs/" + b + "/cancel", Map.of("Host", host, "Origin", "http://" + host), null).status() == 202,
                "a same-origin cancel passes (202)", "");
        String tool = unique("f10g");
        Map<String, String> evilPut = new LinkedHashMap<>(evil);
        evilPut.put("Content-Type", "application/yaml");
        c.expectStatusJson("PUT /specs from another site", 403, Raw.send(port(), "PUT", "/specs", evilPut,
                toolYaml(tool, "v1").getBytes(StandardCharsets.UTF_8)));
        c.expect(Raw.get(port(), "/specs/tool/" + tool).status() == 404, "the cross-site PUT stored nothing", "it was stored");
        putYaml(toolYaml(tool, "v1"));
        c.expect(Raw.get(port(), "/specs/tool/" + tool, "Origin", "http://evil.example").status() == 200,
                "a cross-site GET (not mutating) still answers 200", Raw.get(port(), "/specs/tool/" + tool, "Origin", "http://evil.example").summary());
        c.expectStatusJson("DELETE /specs/tool/{name} from another site", 403, Raw.send(port(), "DELETE", "/specs/tool/" + tool, evil, null));
        c.expect(Raw.get(port(), "/specs/tool/" + tool).status() == 200, "the cross-site DELETE deleted nothing", "it was deleted");
        Map<String, String> evilPost = new LinkedHashMap<>(evil);
        evilPost.put("Content-Type", "application/json");
        String runName = unique("f10g");
        c.expectStatusJson("POST /runs from another site", 403, Raw.send(port(), "POST", "/runs", evilPost,
                ("{\"name\":\"" + runName + "\",\"language\":\"bash\",\"code\":\"echo\"}").getBytes(StandardCharsets.UTF_8)));
        c.expect(Raw.get(port(), "/runs/" + runName).status() == 404, "the cross-site POST started no run", "it did");
        for (String n : List.of(a, b, runName)) {
            Raw.send(port(), "DELETE", "/runs/" + n, Map.of(), null);
        }
        Raw.send(port(), "DELETE", "/specs/tool/" + tool, Map.of(), null);
        c.verify();
    }

    // ---- helpers

    static int port() {
        return RestAssured.port;
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String toolYaml(String name, String tag) {
        return "apiVersion: corral.dev/v1\nkind: Tool\nmetadata: {name: " + name + "}\nspec: {image: \"corral/busybox:" + tag + "\"}\n";
    }

    static String specJson(String kind, String name, String spec) {
        return "{\"apiVersion\":\"corral.dev/v1\",\"kind\":\"" + kind + "\",\"metadata\":{\"name\":\"" + name + "\"},\"spec\":" + spec + "}";
    }

    static Raw.Response putYaml(String yaml) {
        return Raw.send(port(), "PUT", "/specs", Map.of("Content-Type", "application/yaml"), yaml.getBytes(StandardCharsets.UTF_8));
    }

    static Raw.Response putJson(String path, String json) {
        return Raw.send(port(), "PUT", path, Map.of("Content-Type", "application/json"), json.getBytes(StandardCharsets.UTF_8));
    }

    static Raw.Response postRunRaw(String json) {
        return Raw.send(port(), "POST", "/runs", Map.of("Content-Type", "application/json"), json.getBytes(StandardCharsets.UTF_8));
    }

    /** Starts a run (Pending for good: the loop is off) and returns its name. */
    static String postRun(String json) {
        Raw.Response r = postRunRaw(json);
        if (r.status() != 201) {
            throw new AssertionError("set-up: POST /runs " + json + " → " + r.summary());
        }
        return jsonAt(r, "/metadata/name");
    }

    /** A field of a JSON answer as text, or null. */
    static String jsonAt(Raw.Response r, String pointer) {
        try {
            JsonNode n = Fuzz.PLAIN.readTree(r.body()).at(pointer);
            return n.isMissingNode() || n.isNull() ? null : n.isValueNode() ? n.asText() : n.toString();
        } catch (Exception e) {
            return null;
        }
    }

    static List<String> fieldNames(JsonNode n) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    /** Runs that wait (all of them: with the loop off no run leaves Pending), counted in the text: a listing may hold values a JSON reader refuses. */
    static int pendingRuns() {
        Raw.Response r = Raw.get(port(), "/specs?kind=toolrun", "Accept", "application/json");
        return count(r.text(), "\"kind\":\"ToolRun\"");
    }

    static int count(String text, String what) {
        int n = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
            n++;
        }
        return n;
    }

    static JsonNode sourceState(String source) {
        Raw.Response r = Raw.get(port(), "/sources", "Accept", "application/json");
        try {
            for (JsonNode s : Fuzz.PLAIN.readTree(r.body()).path("items")) {
                if (source.equals(s.path("source").asText())) {
                    return s;
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    static boolean awaitQuietly(Duration atMost, java.util.concurrent.Callable<Boolean> condition) {
        try {
            await().atMost(atMost).pollInterval(Duration.ofMillis(50)).until(condition);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    static long walSize() throws IOException {
        return Files.exists(WAL) ? Files.size(WAL) : 0;
    }

    /**
     * The records the store appended to its write-ahead log between two sizes, loaded by a fresh
     * store in a directory of its own: what the next start reads of those writes. (The log is
     * never compacted in these tests: {@link HostileProfile} sets the threshold to 1 GiB.)
     */
    static List<SpecObject> loadWalSlice(long from, long to) throws IOException {
        Path dir = Files.createTempDirectory(Path.of("target"), "hostile-reload-");
        byte[] all = Files.readAllBytes(WAL);
        Files.write(dir.resolve("wal.log"), java.util.Arrays.copyOfRange(all, (int) from, (int) Math.min(to, all.length)));
        try (FileSpecStore store = FileSpecStore.open(dir, Clock.systemUTC(), Long.MAX_VALUE / 4)) {
            return store.list(Query.ALL);
        }
    }

    static String firstLine(String s) {
        String line = s.lines().findFirst().orElse("");
        return line.length() > 240 ? line.substring(0, 240) + "…" : line;
    }
}
