package dev.corral.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.spec.model.PoolBounds;
import dev.corral.spec.schema.FieldError;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * SpecValidator built as ValidatorProducer builds it ({@code new SpecValidator(new HostPaths(roots))}),
 * with a temporary directory as the agent code root.
 */
class SpecValidatorTest {

    private static final String HEAD = "apiVersion: corral.dev/v1\n";

    @TempDir
    Path tmp;

    private Path root;
    private SpecValidator validator;

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createDirectories(tmp.resolve("agents"));
        validator = new SpecValidator(new HostPaths(List.of(root)));
    }

    // --- helpers -------------------------------------------------------------------------------

    private List<SpecObject> valid(String yaml) {
        List<JsonNode> docs = SpecParser.parse(yaml.getBytes(StandardCharsets.UTF_8), SpecParser.Format.YAML);
        try {
            return validator.validateAll(docs);
        } catch (InvalidSpecException e) {
            return fail("expected valid, got " + e.errors());
        }
    }

    private SpecObject one(String yaml) {
        List<SpecObject> all = valid(yaml);
        assertEquals(1, all.size());
        return all.get(0);
    }

    private List<FieldError> errors(String yaml) {
        List<JsonNode> docs = SpecParser.parse(yaml.getBytes(StandardCharsets.UTF_8), SpecParser.Format.YAML);
        return assertThrows(InvalidSpecException.class, () -> validator.validateAll(docs)).errors();
    }

    private List<FieldError> jsonErrors(String json) {
        List<JsonNode> docs = SpecParser.parse(json.getBytes(StandardCharsets.UTF_8), SpecParser.Format.JSON);
        return assertThrows(InvalidSpecException.class, () -> validator.validateAll(docs)).errors();
    }

    /** The one error of an invalid single-document body. */
    private FieldError error(String yaml) {
        List<FieldError> es = errors(yaml);
        assertEquals(1, es.size(), () -> "errors: " + es);
        assertEquals(0, es.get(0).document());
        return es.get(0);
    }

    private static void assertContains(String expected, String actual) {
        assertTrue(actual != null && actual.contains(expected),
                () -> "expected \"" + actual + "\" to contain \"" + expected + "\"");
    }

    private static String relic(String spec) {
        return HEAD + "kind: Relic\nmetadata: {name: web, session: s1}\nspec:\n" + spec;
    }

    private static String agent(String spec) {
        return HEAD + "kind: Agent\nmetadata: {name: bot}\nspec:\n" + spec;
    }

    private static String tool(String name) {
        return HEAD + "kind: Tool\nmetadata: {name: " + name + "}\nspec: {image: corral/busybox:latest}\n";
    }

    private List<SpecObject> exampleFile(String name) throws IOException {
        Path file = Path.of("specs", name);
        assertTrue(Files.isRegularFile(file), () -> file.toAbsolutePath() + " is missing");
        return valid(Files.readString(file));
    }

    // --- the examples in specs/ ----------------------------------------------------------------

    @Test
    void sessionExampleValidates() throws IOException {
        SpecObject s = exampleFile("session.yaml").get(0);
        assertEquals(Kind.Session, s.kind());
        assertEquals("demo", s.metadata().name());
        assertNull(s.metadata().session());
        assertEquals(Map.of("team", "research"), s.metadata().labels());
        assertTrue(s.spec().at("/network/internal").booleanValue());
        assertEquals(86400, s.spec().get("ttlSeconds").intValue());
    }

    @Test
    void relicExampleValidates() throws IOException {
        SpecObject r = exampleFile("relic.yaml").get(0);
        assertEquals(Kind.Relic, r.kind());
        assertEquals(ObjectKey.of(Kind.Relic, "demo", "search"), r.key());
        assertEquals(8080, r.spec().at("/health/http/port").intValue());
        assertEquals("/", r.spec().at("/health/http/path").asText());
        assertEquals(5, r.spec().at("/health/periodSeconds").intValue());
        assertEquals("www", r.spec().at("/volumes/0/name").asText());
        assertFalse(r.spec().at("/volumes/0/readOnly").booleanValue(), "readOnly defaults to false");
    }

    @Test
    void agentExampleValidatesAndItsCodeIsResolvedAgainstTheFirstRoot() throws IOException {
        SpecObject a = exampleFile("agent.yaml").get(0);
        assertEquals(Kind.Agent, a.kind());
        assertEquals(root.resolve("hello").toAbsolutePath().normalize().toString(), a.spec().get("code").asText());
        assertEquals("Running", a.spec().get("state").asText());
        assertEquals("OnFailure", a.spec().get("restartPolicy").asText());
        assertEquals(64, a.spec().at("/resources/memoryMb").intValue());
        assertEquals(0.25, a.spec().at("/resources/cpus").doubleValue());
    }

    @Test
    void toolExampleValidates() throws IOException {
        SpecObject t = exampleFile("tool.yaml").get(0);
        assertEquals(Kind.Tool, t.kind());
        assertEquals(30, t.spec().get("timeoutSeconds").intValue());
        assertEquals("none", t.spec().get("network").asText());
        assertEquals("IfNotPresent", t.spec().get("imagePullPolicy").asText());
        assertEquals(PoolBounds.of(1, 4), PoolBounds.of(t.spec().get("pool")));
    }

    @Test
    void toolRunExampleHoldsTwoValidDocuments() throws IOException {
        List<SpecObject> runs = exampleFile("toolrun.yaml");
        assertEquals(2, runs.size());
        assertEquals(ObjectKey.of(Kind.ToolRun, "demo", "count-words"), runs.get(0).key());
        assertEquals("the quick brown fox", runs.get(0).spec().at("/parameters/text").asText());
        assertEquals(ObjectKey.of(Kind.ToolRun, null, "hello-python"), runs.get(1).key());
        assertEquals("python", runs.get(1).spec().get("language").asText());
        assertTrue(runs.get(1).spec().get("code").asText().startsWith("import json\n"));
    }

    // --- defaults --------------------------------------------------------------------------------

    @Test
    void sessionNetworkIsInternalByDefault() {
        SpecObject noSpec = one(HEAD + "kind: Session\nmetadata: {name: s1}\n");
        assertTrue(noSpec.spec().at("/network/internal").booleanValue());
        assertFalse(noSpec.spec().has("ttlSeconds"));

        SpecObject emptyNetwork = one(HEAD + "kind: Session\nmetadata: {name: s1}\nspec: {network: {}}\n");
        assertTrue(emptyNetwork.spec().at("/network/internal").isBoolean());
        assertTrue(emptyNetwork.spec().at("/network/internal").booleanValue());

        SpecObject external = one(HEAD + "kind: Session\nmetadata: {name: s1}\nspec: {network: {internal: false}}\n");
        assertFalse(external.spec().at("/network/internal").booleanValue());
    }

    @Test
    void relicDefaultsAreFilledIn() {
        ObjectNode spec = one(relic("  image: corral/busybox:latest\n")).spec();
        assertEquals(256, spec.at("/resources/memoryMb").intValue());
        assertEquals(0.5, spec.at("/resources/cpus").doubleValue());
        assertEquals(256, spec.at("/resources/pids").intValue());
        assertEquals("Always", spec.get("restartPolicy").asText());
        assertEquals("IfNotPresent", spec.get("imagePullPolicy").asText());
        assertFalse(spec.has("health"), "no health check unless asked for");
        assertFalse(spec.has("port"));
        assertEquals("Running", spec.get("state").asText(), "state is a Relic field too (issue 12)");
    }

    @Test
    void isolationLogsAndSecurityDefaultPerKind() {
        ObjectNode relic = one(relic("  image: x\n")).spec();
        assertEquals("minimal", relic.get("isolation").asText(), "a Relic: limits only, as before the field existed");
        assertEquals(10, relic.at("/logs/maxSizeMb").intValue());
        assertEquals(3, relic.at("/logs/maxFiles").intValue());
        assertEquals("default", relic.at("/security/seccomp").asText());
        assertEquals("default", relic.at("/security/apparmor").asText());
        assertFalse(relic.at("/resources").has("openFiles"), "ulimits and disk limits only when asked for");
        assertEquals("standard", one(tool("t")).spec().get("isolation").asText(), "a Tool: its runs are locked down");

        assertEquals("spec.isolation", error(relic("  image: x\n  isolation: paranoid\n")).path());
        FieldError profile = error(relic("  image: x\n  security: {seccomp: ../etc/passwd}\n"));
        assertEquals("spec.security.seccomp", profile.path());
        assertEquals("spec.resources.diskWriteBps", error(relic("  image: x\n  resources: {diskWriteBps: 10}\n")).path());
        assertEquals("spec.logs.maxFiles", error(relic("  image: x\n  logs: {maxFiles: 0}\n")).path());
    }

    @Test
    void partialResourcesAreCompletedWithDefaults() {
        ObjectNode spec = one(relic("  image: x\n  resources: {memoryMb: 64}\n")).spec();
        assertEquals(64, spec.at("/resources/memoryMb").intValue());
        assertEquals(0.5, spec.at("/resources/cpus").doubleValue());
        assertEquals(256, spec.at("/resources/pids").intValue());
    }

    @Test
    void healthDefaultsAreFilledIn() {
        ObjectNode health = (ObjectNode) one(relic("  image: x\n  health: {http: {port: 80}}\n")).spec().get("health");
        assertEquals("/", health.at("/http/path").asText());
        assertEquals(80, health.at("/http/port").intValue());
        assertEquals(0, health.get("initialDelaySeconds").intValue());
        assertEquals(10, health.get("periodSeconds").intValue());
        assertEquals(1, health.get("timeoutSeconds").intValue());
        assertEquals(3, health.get("failureThreshold").intValue());
        assertEquals(300, health.get("startupTimeoutSeconds").intValue());
        assertFalse(health.has("tcp"));
        assertFalse(health.has("exec"));
    }

    @Test
    void nullCountsAsAbsentAndGetsTheDefault() {
        ObjectNode spec = one(relic("  image: x\n  restartPolicy: null\n  resources: ~\n")).spec();
        assertEquals("Always", spec.get("restartPolicy").asText());
        assertEquals(256, spec.at("/resources/memoryMb").intValue());
    }

    @Test
    void agentStateDefaultsToRunning() {
        ObjectNode spec = one(agent("  image: x\n")).spec();
        assertEquals("Running", spec.get("state").asText());
        assertEquals("Always", spec.get("restartPolicy").asText());
        assertFalse(spec.has("code"));
    }

    @Test
    void toolDefaultsAreFilledIn() {
        ObjectNode spec = one(tool("t")).spec();
        assertEquals(60, spec.get("timeoutSeconds").intValue());
        assertEquals("none", spec.get("network").asText());
        assertEquals(3600, spec.get("ttlSecondsAfterFinished").intValue());
        assertEquals("IfNotPresent", spec.get("imagePullPolicy").asText());
        assertEquals(256, spec.at("/resources/memoryMb").intValue());
    }

    @Test
    void aToolPoolIsBoundedAndCannotJoinASessionNetwork() {
        assertEquals(3, one(HEAD + "kind: Tool\nmetadata: {name: t}\nspec: {image: x, pool: {size: 3}}\n")
                .spec().at("/pool/size").intValue());
        assertEquals("spec.pool.size", error(HEAD + "kind: Tool\nmetadata: {name: t}\nspec: {image: x, pool: {size: 65}}\n")
                .path());
        assertEquals("spec.pool.size", error(HEAD + "kind: Tool\nmetadata: {name: t}\nspec: {image: x, pool: {}}\n").path());
        FieldError e = error(HEAD + "kind: Tool\nmetadata: {name: t}\nspec: {image: x, network: session, pool: {size: 1}}\n");
        assertEquals("spec.pool", e.path());
        assertContains("network: session", e.message());
        assertEquals("spec.pool", error(HEAD + "kind: Tool\nmetadata: {name: t}\nspec: {image: x, network: session, "
                + "pool: {size: 0, max: 2}}\n").path(), "a pool that only grows on demand is a pool too");
    }

    @Test
    void aToolPoolMayGrowUpToAMaxNotBelowItsSize() {
        ObjectNode spec = one(HEAD + "kind: Tool\nmetadata: {name: t}\nspec: {image: x, pool: {size: 2, max: 200}}\n").spec();
        assertEquals(200, spec.at("/pool/max").intValue());
        assertFalse(one(HEAD + "kind: Tool\nmetadata: {name: t}\nspec: {image: x, pool: {size: 2}}\n").spec()
                .at("/pool").has("max"), "no max: a fixed pool, none stored");
        FieldError below = error(HEAD + "kind: Tool\nmetadata: {name: t}\nspec: {image: x, pool: {size: 3, max: 2}}\n");
        assertEquals("spec.pool.max", below.path());
        assertContains("at least size (3)", below.message());
        assertEquals("spec.pool.max", error(HEAD + "kind: Tool\nmetadata: {name: t}\nspec: {image: x, pool: {size: 1, max: 257}}\n")
                .path());
    }

    @Test
    void toolRunGetsNoDefaultsSoThatTheToolsApply() {
        ObjectNode spec = one(HEAD + "kind: ToolRun\nmetadata: {name: r}\nspec: {tool: t}\n").spec();
        assertEquals(1, spec.size(), spec::toString);
        assertEquals("t", spec.get("tool").asText());
    }

    @Test
    void metadataIsCarriedAndStatusAndServerFieldsAreDropped() {
        SpecObject o = one(HEAD + "kind: Tool\nmetadata:\n  name: t\n  labels: {app: web, example.com/tier: front}\n"
                + "  annotations: {note: hello}\n  resourceVersion: 42\n  uid: abc\n  generation: 3\n"
                + "  createdAt: '2024-01-01T00:00:00Z'\n  source: api\n"
                + "spec: {image: x}\nstatus: {phase: Running}\n");
        assertEquals(Map.of("app", "web", "example.com/tier", "front"), o.metadata().labels());
        assertEquals(Map.of("note", "hello"), o.metadata().annotations());
        assertEquals(42L, o.metadata().resourceVersion());
        assertNull(o.metadata().uid());
        assertNull(o.metadata().generation());
        assertNull(o.metadata().createdAt());
        assertNull(o.metadata().source());
        assertEquals(0, o.status().size(), "client-sent status is dropped");
        assertEquals(SpecObject.API_VERSION, o.apiVersion());
    }

    @Test
    void validateOfOneDocumentReportsErrorsWithoutADocumentIndex() {
        JsonNode doc = SpecParser.parse(relic("  image: x\n  port: 0\n").getBytes(StandardCharsets.UTF_8),
                SpecParser.Format.YAML).get(0);
        List<FieldError> errs = new ArrayList<>();
        assertNull(validator.validate(doc, errs));
        assertEquals(List.of(new FieldError(null, "spec.port", "must be between 1 and 65535")), errs);
    }

    // --- error paths -------------------------------------------------------------------------------

    @Test
    void outOfRangeMemoryNamesItsFullPath() {
        FieldError e = error(relic("  image: x\n  resources: {memoryMb: 5}\n"));
        assertEquals("spec.resources.memoryMb", e.path());
        assertEquals("must be between 6 and 65536", e.message());
        assertEquals("documents[0].spec.resources.memoryMb: must be between 6 and 65536", e.toString());
    }

    @Test
    void rangeBoundsAreInclusive() {
        one(relic("  image: x\n  resources: {memoryMb: 6, cpus: 0.01, pids: 8}\n  port: 65535\n"));
        one(relic("  image: x\n  resources: {memoryMb: 65536, cpus: 64, pids: 32768}\n  port: 1\n"));
        assertEquals("spec.resources.cpus", error(relic("  image: x\n  resources: {cpus: 0.001}\n")).path());
        assertEquals("spec.resources.pids", error(relic("  image: x\n  resources: {pids: 32769}\n")).path());
    }

    @Test
    void wrongTypesNameTheFieldAndBothTypes() {
        FieldError port = error(relic("  image: x\n  port: '8080'\n"));
        assertEquals("spec.port", port.path());
        assertEquals("must be an integer, not a string", port.message());

        FieldError half = error(relic("  image: x\n  resources: {memoryMb: 256.5}\n"));
        assertEquals("spec.resources.memoryMb", half.path());
        assertContains("whole number", half.message());

        FieldError cmd = error(relic("  image: x\n  command: [sh, [nested]]\n"));
        assertEquals("spec.command[1]", cmd.path());
        assertEquals("must be a string, not a list", cmd.message());

        FieldError internal = error(HEAD + "kind: Session\nmetadata: {name: s}\nspec: {network: {internal: yes}}\n");
        assertEquals("spec.network.internal", internal.path());
        assertEquals("must be true or false, not a string", internal.message());
    }

    @Test
    void decimalLiteralsAreRefusedForIntegerFields() {
        // 256.0 and 1E+2 are integral values but not integer literals; 3.0000000000000000001 reads as the double 3.0.
        for (String v : new String[]{"256.0", "1E+2", "3.0000000000000000001"}) {
            FieldError e = error(relic("  image: x\n  resources: {memoryMb: " + v + "}\n"));
            assertEquals("spec.resources.memoryMb", e.path());
            assertContains("whole number", e.message());
        }
    }

    @Test
    void healthProbeErrorsNameTheirPath() {
        FieldError port = error(relic("  image: x\n  health: {http: {port: 70000}}\n"));
        assertEquals("spec.health.http.port", port.path());
        assertEquals("must be between 1 and 65535", port.message());

        FieldError missing = error(relic("  image: x\n  health: {http: {path: /healthz}}\n"));
        assertEquals("spec.health.http.port", missing.path());
        assertEquals("is required", missing.message());

        FieldError path = error(relic("  image: x\n  health: {http: {port: 80, path: healthz}}\n"));
        assertEquals("spec.health.http.path", path.path());

        FieldError exec = error(relic("  image: x\n  health: {exec: {command: []}}\n"));
        assertEquals("spec.health.exec.command", exec.path());
        assertEquals("must not be empty", exec.message());
    }

    @Test
    void healthNeedsExactlyOneProbe() {
        FieldError two = error(relic("  image: x\n  health: {http: {port: 80}, tcp: {port: 80}}\n"));
        assertEquals("spec.health", two.path());
        assertContains("exactly one of http, tcp or exec", two.message());

        FieldError none = error(relic("  image: x\n  health: {periodSeconds: 5}\n"));
        assertEquals("spec.health", none.path());

        one(relic("  image: x\n  health: {tcp: {port: 5432}}\n"));
        one(relic("  image: x\n  health: {exec: {command: [pg_isready]}}\n"));
    }

    @Test
    void unknownFieldsAreRejectedWithTheirPath() {
        FieldError top = error(relic("  image: x\n").replace("kind: Relic\n", "kind: Relic\nextra: 1\n"));
        assertEquals("extra", top.path());
        assertContains("unknown field", top.message());

        FieldError meta = error(HEAD + "kind: Tool\nmetadata: {name: t, namespace: default}\nspec: {image: x}\n");
        assertEquals("metadata.namespace", meta.path());
        assertContains("unknown field", meta.message());

        FieldError spec = error(relic("  image: x\n  imagePullPolicyy: Always\n"));
        assertEquals("spec.imagePullPolicyy", spec.path());
        assertContains("unknown field (allowed: image,", spec.message());

        FieldError nested = error(relic("  image: x\n  resources: {gpus: 1}\n"));
        assertEquals("spec.resources.gpus", nested.path());
        assertEquals("unknown field (allowed: memoryMb, cpus, pids, openFiles, processes, diskReadBps, diskWriteBps)",
                nested.message());

        FieldError deep = error(relic("  image: x\n  health: {http: {port: 80, scheme: HTTPS}}\n"));
        assertEquals("spec.health.http.scheme", deep.path());

        FieldError inList = error(relic("  image: x\n  volumes: [{name: v, mountPath: /v, size: 1}]\n"));
        assertEquals("spec.volumes[0].size", inList.path());
    }

    @Test
    void agentFieldsAreUnknownOnARelic() {
        FieldError e = error(relic("  image: x\n  code: hello\n"));
        assertEquals("spec.code", e.path());
        assertContains("unknown field", e.message());
    }

    @Test
    void placementTakesSwarmConstraintsAndNamesAWrongOne() {
        SpecObject o = one(relic("  image: x\n  placement:\n    constraints: [\"node.hostname==corral-node2\", "
                + "\"node.labels.zone != eu\", \"node.role==worker\"]\n"));
        assertEquals(3, o.spec().at("/placement/constraints").size());
        FieldError e = error(relic("  image: x\n  placement:\n    constraints: [\"hostname=n1\"]\n"));
        assertEquals("spec.placement.constraints[0]", e.path());
        assertContains("ATTRIBUTE==VALUE", e.message());
        // No spread preferences: Swarm spreads within one service, and a relic is a service of one task.
        assertEquals("spec.placement.spread", error(relic("  image: x\n  placement: {spread: [node.labels.zone]}\n")).path());
    }

    @Test
    void refusedSettingsSayWhy() {
        FieldError p = error(relic("  image: x\n  privileged: false\n"));
        assertEquals("spec.privileged", p.path());
        assertEquals("privileged containers are not allowed", p.message());

        FieldError host = error(agent("  image: x\n  hostPath: /etc\n"));
        assertEquals("spec.hostPath", host.path());
        assertContains("or code", host.message());

        FieldError driver = error(HEAD + "kind: Session\nmetadata: {name: s}\nspec: {network: {driver: host}}\n");
        assertEquals("spec.network.driver", driver.path());

        FieldError toolNet = error(HEAD + "kind: Tool\nmetadata: {name: t}\nspec: {image: x, hostNetwork: true}\n");
        assertEquals("spec.hostNetwork", toolNet.path());
    }

    @Test
    void oddMapKeysAreQuotedInPaths() {
        FieldError label = error(HEAD + "kind: Tool\nmetadata: {name: t, labels: {'bad key': v}}\nspec: {image: x}\n");
        assertEquals("metadata.labels[\"bad key\"]", label.path());

        FieldError value = error(HEAD + "kind: Tool\nmetadata: {name: t, labels: {app: 'two words'}}\nspec: {image: x}\n");
        assertEquals("metadata.labels.app", value.path());

        FieldError env = error(relic("  image: x\n  env: {1BAD: v}\n"));
        assertEquals("spec.env.1BAD", env.path());
        assertContains("environment variable name", env.message());

        FieldError envValue = error(relic("  image: x\n  env: {PORT: 8080}\n"));
        assertEquals("spec.env.PORT", envValue.path());
        assertEquals("must be a string, not an integer", envValue.message());
    }

    @Test
    void volumeRules() {
        FieldError rel = error(relic("  image: x\n  volumes: [{name: v, mountPath: data}]\n"));
        assertEquals("spec.volumes[0].mountPath", rel.path());
        assertContains("absolute path", rel.message());

        FieldError dots = error(relic("  image: x\n  volumes: [{name: v, mountPath: /data/../etc}]\n"));
        assertEquals("spec.volumes[0].mountPath", dots.path());
        assertEquals("must not contain '..'", dots.message());

        List<FieldError> dup = errors(relic("  image: x\n  volumes:\n    - {name: v, mountPath: /a}\n"
                + "    - {name: w, mountPath: /b}\n    - {name: v, mountPath: /a}\n"));
        assertEquals(List.of(
                new FieldError(0, "spec.volumes[2].name", "duplicate volume name"),
                new FieldError(0, "spec.volumes[2].mountPath", "duplicate mount path")), dup);
    }

    @Test
    void imageReferencesAreChecked() {
        one(relic("  image: registry.example.com:5000/team/app:1.2.3\n"));
        one(relic("  image: busybox@sha256:" + "a".repeat(64) + "\n"));
        FieldError upper = error(relic("  image: BusyBox\n"));
        assertEquals("spec.image", upper.path());
        assertContains("image reference", upper.message());
        FieldError missing = error(relic("  port: 80\n"));
        assertEquals("spec.image", missing.path());
        assertEquals("is required", missing.message());
    }

    @Test
    void missingSpecStillChecksRequiredFields() {
        FieldError e = error(HEAD + "kind: Tool\nmetadata: {name: t}\n");
        assertEquals("spec.image", e.path());
    }

    @Test
    void toolRunNeedsEitherToolOrLanguage() {
        String head = HEAD + "kind: ToolRun\nmetadata: {name: r}\n";
        FieldError both = error(head + "spec: {tool: t, language: bash, code: 'echo'}\n");
        assertEquals("spec", both.path());
        assertContains("not both", both.message());

        FieldError neither = error(head + "spec: {timeoutSeconds: 5}\n");
        assertEquals("spec", neither.path());
        assertContains("must set either tool", neither.message());

        FieldError noCode = error(head + "spec: {language: node}\n");
        assertEquals("spec.code", noCode.path());
        assertEquals("is required with language", noCode.message());

        FieldError codeWithTool = error(head + "spec: {tool: t, code: 'x'}\n");
        assertEquals("spec.code", codeWithTool.path());

        FieldError params = error(head + "spec: {language: bash, code: 'x', parameters: {a: 1}}\n");
        assertEquals("spec.parameters", params.path());

        FieldError lang = error(head + "spec: {language: ruby, code: 'x'}\n");
        assertEquals("spec.language", lang.path());
        assertEquals("must be one of bash, python, node, not \"ruby\"", lang.message());
    }

    // --- metadata.session ----------------------------------------------------------------------------

    @Test
    void relicRequiresASession() {
        FieldError e = error(HEAD + "kind: Relic\nmetadata: {name: web}\nspec: {image: x}\n");
        assertEquals("metadata.session", e.path());
        assertEquals("is required: a Relic lives in a Session", e.message());
    }

    @Test
    void agentToolAndSessionForbidASession() {
        for (String kind : List.of("Agent", "Tool", "Session")) {
            String spec = kind.equals("Session") ? "{}" : "{image: x}";
            FieldError e = error(HEAD + "kind: " + kind + "\nmetadata: {name: n, session: s1}\nspec: " + spec + "\n");
            assertEquals("metadata.session", e.path(), kind);
            assertContains("is not allowed", e.message());
            assertContains(kind + " is not session-scoped", e.message());
        }
    }

    @Test
    void toolRunSessionIsOptional() {
        assertEquals("s1", one(HEAD + "kind: ToolRun\nmetadata: {name: r, session: s1}\nspec: {tool: t}\n")
                .metadata().session());
        assertNull(one(HEAD + "kind: ToolRun\nmetadata: {name: r}\nspec: {tool: t}\n").metadata().session());
    }

    @Test
    void sessionNameIsADnsLabelToo() {
        FieldError e = error(HEAD + "kind: Relic\nmetadata: {name: web, session: My_Session}\nspec: {image: x}\n");
        assertEquals("metadata.session", e.path());
        assertContains("DNS label", e.message());
    }

    // --- names -----------------------------------------------------------------------------------------

    private FieldError nameError(String name) {
        return error(HEAD + "kind: Tool\nmetadata: {name: '" + name + "'}\nspec: {image: x}\n");
    }

    @Test
    void namesMustBeDnsLabels() {
        for (String bad : List.of("Web", "-web", "web-", "web.app", "web_app", "we b")) {
            FieldError e = nameError(bad);
            assertEquals("metadata.name", e.path(), bad);
            assertContains("must be a DNS label", e.message());
            assertContains("\"" + bad + "\"", e.message());
        }
        assertEquals("must not be empty", nameError("").message());
    }

    @Test
    void namesOfUpTo63CharactersAreAccepted() {
        String n63 = "a" + "-b".repeat(31);
        assertEquals(63, n63.length());
        assertEquals(n63, one(tool(n63)).metadata().name());
        assertEquals("a", one(tool("a")).metadata().name());
        assertEquals("0-9", one(tool("0-9")).metadata().name());
    }

    @Test
    void a64CharacterNameIsRejected() {
        FieldError e = nameError("a".repeat(64));
        assertEquals("metadata.name", e.path());
        assertEquals("must be at most 63 characters (it has 64)", e.message());
        assertFalse(Names.isDnsLabel("a".repeat(64)));
        assertTrue(Names.isDnsLabel("a".repeat(63)));
    }

    @Test
    void missingMetadataOrName() {
        FieldError noMeta = error(HEAD + "kind: Tool\nspec: {image: x}\n");
        assertEquals("metadata", noMeta.path());
        FieldError noName = error(HEAD + "kind: Tool\nmetadata: {labels: {a: b}}\nspec: {image: x}\n");
        assertEquals("metadata.name", noName.path());
        assertEquals("is required", noName.message());
        FieldError notObject = error(HEAD + "kind: Tool\nmetadata: web\nspec: {image: x}\n");
        assertEquals("metadata", notObject.path());
        assertEquals("must be an object, not a string", notObject.message());
    }

    // --- envelope --------------------------------------------------------------------------------------

    @Test
    void wrongOrMissingApiVersion() {
        FieldError v2 = error("apiVersion: corral.dev/v2\nkind: Tool\nmetadata: {name: t}\nspec: {image: x}\n");
        assertEquals("apiVersion", v2.path());
        assertContains("unsupported apiVersion \"corral.dev/v2\"", v2.message());

        FieldError missing = error("kind: Tool\nmetadata: {name: t}\nspec: {image: x}\n");
        assertEquals("apiVersion", missing.path());
        assertContains("is required", missing.message());

        FieldError number = error("apiVersion: 1\nkind: Tool\nmetadata: {name: t}\nspec: {image: x}\n");
        assertEquals("apiVersion", number.path());
    }

    @Test
    void unknownOrMissingKind() {
        FieldError widget = error(HEAD + "kind: Widget\nmetadata: {name: w}\n");
        assertEquals("kind", widget.path());
        assertContains("unknown kind \"Widget\"", widget.message());
        assertContains("Session, Relic, Agent, Tool, ToolRun", widget.message());

        FieldError lower = error(HEAD + "kind: relic\nmetadata: {name: w, session: s}\nspec: {image: x}\n");
        assertEquals("kind", lower.path());
        assertContains("did you mean Relic?", lower.message());

        FieldError missing = error(HEAD + "metadata: {name: w}\n");
        assertEquals("kind", missing.path());
        assertContains("is required", missing.message());

        FieldError list = error(HEAD + "kind: [Relic]\nmetadata: {name: w}\n");
        assertEquals("kind", list.path());
    }

    @Test
    void aDocumentThatIsNotAnObjectIsRejected() {
        List<FieldError> es = jsonErrors("[\"just a string\", 42]");
        assertEquals(2, es.size());
        assertEquals(0, es.get(0).document());
        assertEquals("", es.get(0).path());
        assertEquals(1, es.get(1).document());
    }

    // --- agent code roots --------------------------------------------------------------------------------

    @Test
    void agentCodeInsideTheRootIsStoredAbsolute() throws IOException {
        Files.createDirectories(root.resolve("bot"));
        assertEquals(root.resolve("bot").toString(), one(agent("  image: x\n  code: bot\n")).spec().get("code").asText());
        assertEquals(root.resolve("bot").toString(),
                one(agent("  image: x\n  code: " + root.resolve("bot") + "\n")).spec().get("code").asText());
        assertEquals(root.resolve("other").toString(),
                one(agent("  image: x\n  code: bot/../other\n")).spec().get("code").asText(), "normalized");
    }

    @Test
    void agentCodeOutsideTheRootsIsRejected() {
        FieldError abs = error(agent("  image: x\n  code: /etc\n"));
        assertEquals("spec.code", abs.path());
        assertContains("must be under one of the configured roots", abs.message());

        FieldError up = error(agent("  image: x\n  code: ../outside\n"));
        assertEquals("spec.code", up.path());
        assertContains("must be under one of the configured roots", up.message());

        FieldError sneaky = error(agent("  image: x\n  code: bot/../../agents-evil\n"));
        assertEquals("spec.code", sneaky.path());

        FieldError absDots = error(agent("  image: x\n  code: " + root + "/../etc\n"));
        assertEquals("spec.code", absDots.path());
    }

    @Test
    void aSiblingDirectoryWithTheRootAsPrefixIsNotUnderTheRoot() throws IOException {
        Path evil = Files.createDirectories(tmp.resolve("agents-evil"));
        FieldError e = error(agent("  image: x\n  code: " + evil + "\n"));
        assertEquals("spec.code", e.path());
    }

    @Test
    void aSymbolicLinkOutOfTheRootIsRejected() throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        try {
            Files.createSymbolicLink(root.resolve("link"), outside);
        } catch (UnsupportedOperationException | IOException e) {
            org.junit.jupiter.api.Assumptions.abort("symbolic links unsupported: " + e);
        }
        FieldError e = error(agent("  image: x\n  code: link\n"));
        assertEquals("spec.code", e.path());
        assertContains("symbolic link", e.message());
    }

    @Test
    void aNotYetExistingPathBelowASymbolicLinkOutOfTheRootIsRejected() throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.createSymbolicLink(root.resolve("link"), outside);
        FieldError e = error(agent("  image: x\n  code: link/newdir\n"));
        assertEquals("spec.code", e.path());
    }

    @Test
    void aNotYetExistingPathBelowALinkThatStaysInsideTheRootIsAccepted() throws IOException {
        Path real = Files.createDirectories(root.resolve("real"));
        Files.createSymbolicLink(root.resolve("inner"), real);
        assertEquals(root.resolve("inner/new/deeper").toString(),
                one(agent("  image: x\n  code: inner/new/deeper\n")).spec().get("code").asText());
        assertEquals(root.resolve("not/there/yet").toString(),
                one(agent("  image: x\n  code: not/there/yet\n")).spec().get("code").asText());
    }

    @Test
    void aDeeperNotYetExistingPathBelowASymbolicLinkOutOfTheRootIsRejected() throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.createDirectories(root.resolve("a"));
        Files.createSymbolicLink(root.resolve("a/link"), outside);
        FieldError e = error(agent("  image: x\n  code: a/link/b/c\n"));
        assertEquals("spec.code", e.path());
        assertContains("symbolic link", e.message());
        assertContains(outside.toRealPath().resolve("b/c").toString(), e.message());
    }

    @Test
    void aDanglingSymbolicLinkIsRejected() throws IOException {
        Files.createSymbolicLink(root.resolve("dangling"), tmp.resolve("outside-not-yet"));
        FieldError e = error(agent("  image: x\n  code: dangling/newdir\n"));
        assertEquals("spec.code", e.path());
        assertContains("dangling symbolic link", e.message());
        assertEquals("spec.code", error(agent("  image: x\n  code: dangling\n")).path());
    }

    @Test
    void aSymbolicLinkFromOneRootIntoAnotherIsAccepted() throws IOException {
        Path second = Files.createDirectories(tmp.resolve("more-agents"));
        Files.createSymbolicLink(root.resolve("to-second"), second);
        SpecValidator two = new SpecValidator(new HostPaths(List.of(root, second)));
        JsonNode doc = SpecParser.parse(agent("  image: x\n  code: to-second/new\n")
                .getBytes(StandardCharsets.UTF_8), SpecParser.Format.YAML).get(0);
        List<FieldError> errs = new ArrayList<>();
        assertNotNull(two.validate(doc, errs));
        assertEquals(List.of(), errs);
    }

    @Test
    void aRootThatIsItselfASymbolicLinkWorks() throws IOException {
        Path target = Files.createDirectories(tmp.resolve("target"));
        Path linkedRoot = Files.createSymbolicLink(tmp.resolve("linked-root"), target);
        SpecValidator linked = new SpecValidator(new HostPaths(List.of(linkedRoot)));
        JsonNode doc = SpecParser.parse(agent("  image: x\n  code: new/dir\n")
                .getBytes(StandardCharsets.UTF_8), SpecParser.Format.YAML).get(0);
        List<FieldError> errs = new ArrayList<>();
        SpecObject o = linked.validate(doc, errs);
        assertEquals(List.of(), errs);
        assertEquals(linkedRoot.resolve("new/dir").toString(), o.spec().get("code").asText());
    }

    @Test
    void aSecondRootIsAllowedToo() throws IOException {
        Path second = Files.createDirectories(tmp.resolve("more-agents"));
        SpecValidator two = new SpecValidator(new HostPaths(List.of(root, second)));
        JsonNode doc = SpecParser.parse(agent("  image: x\n  code: " + second.resolve("b") + "\n")
                .getBytes(StandardCharsets.UTF_8), SpecParser.Format.YAML).get(0);
        List<FieldError> errs = new ArrayList<>();
        SpecObject o = two.validate(doc, errs);
        assertEquals(List.of(), errs);
        assertNotNull(o);
        assertEquals(second.resolve("b").toString(), o.spec().get("code").asText());
    }

    @Test
    void agentCodeIsRefusedWhenNoRootsAreConfigured() {
        SpecValidator none = new SpecValidator(new HostPaths(List.of()));
        JsonNode doc = SpecParser.parse(agent("  image: x\n  code: bot\n").getBytes(StandardCharsets.UTF_8),
                SpecParser.Format.YAML).get(0);
        List<FieldError> errs = new ArrayList<>();
        assertNull(none.validate(doc, errs));
        assertEquals(1, errs.size());
        assertEquals("spec.code", errs.get(0).path());
        assertContains("no roots are configured", errs.get(0).message());
        // Without code, an Agent needs no root.
        JsonNode plain = SpecParser.parse(agent("  image: x\n").getBytes(StandardCharsets.UTF_8),
                SpecParser.Format.YAML).get(0);
        assertNotNull(none.validate(plain, new ArrayList<>()));
    }

    // --- many documents ----------------------------------------------------------------------------------

    @Test
    void allErrorsOfAllDocumentsAreReportedWithTheirIndexes() {
        String body = tool("ok") + "---\n"
                + HEAD + "kind: Relic\nmetadata: {name: Bad}\nspec: {image: x, resources: {memoryMb: 1}}\n" + "---\n"
                + tool("also-ok") + "---\n"
                + HEAD + "kind: Agent\nmetadata: {name: a}\nspec: {image: x, code: /etc}\n";
        List<FieldError> es = errors(body);
        assertEquals(List.of(
                new FieldError(1, "metadata.name", Names.DNS_LABEL_MESSAGE + ", not \"Bad\""),
                new FieldError(1, "metadata.session", "is required: a Relic lives in a Session"),
                new FieldError(1, "spec.resources.memoryMb", "must be between 6 and 65536"),
                new FieldError(3, "spec.code", "must be under one of the configured roots " + List.of(root))), es);
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> validator.validateAll(SpecParser.parse(body.getBytes(StandardCharsets.UTF_8), SpecParser.Format.YAML)));
        assertEquals("4 errors in 2 documents", e.getMessage());
    }

    @Test
    void aSingleErrorIsTheExceptionMessage() {
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> validator.validateAll(
                SpecParser.parse(relic("  image: x\n  port: 0\n").getBytes(StandardCharsets.UTF_8), SpecParser.Format.YAML)));
        assertEquals("invalid spec: documents[0].spec.port: must be between 1 and 65535", e.getMessage());
    }

    @Test
    void theSameObjectTwiceInOneBodyIsAnError() {
        List<FieldError> es = errors(tool("t") + "---\n" + tool("u") + "---\n" + tool("t"));
        assertEquals(1, es.size(), es::toString);
        assertEquals(2, es.get(0).document());
        assertEquals("metadata.name", es.get(0).path());
        assertEquals("Tool \"t\" is also declared by documents[0]", es.get(0).message());
    }

    @Test
    void sameNameInOtherKindsOrSessionsIsFine() {
        List<SpecObject> all = valid(tool("web") + "---\n" + agent("  image: x\n").replace("name: bot", "name: web")
                + "---\n" + HEAD + "kind: Relic\nmetadata: {name: web, session: a}\nspec: {image: x}\n"
                + "---\n" + HEAD + "kind: Relic\nmetadata: {name: web, session: b}\nspec: {image: x}\n");
        assertEquals(4, all.size());
        assertEquals(4, all.stream().map(SpecObject::key).distinct().count());
    }

    @Test
    void jsonListBodyValidatesLikeYaml() {
        List<JsonNode> docs = SpecParser.parse(("{\"kind\": \"List\", \"items\": ["
                + "{\"apiVersion\": \"corral.dev/v1\", \"kind\": \"Session\", \"metadata\": {\"name\": \"s\"}},"
                + "{\"apiVersion\": \"corral.dev/v1\", \"kind\": \"Relic\", \"metadata\": {\"name\": \"r\", \"session\": \"s\"},"
                + " \"spec\": {\"image\": \"x\", \"port\": 8080}}]}").getBytes(StandardCharsets.UTF_8), SpecParser.Format.JSON);
        List<SpecObject> all = validator.validateAll(docs);
        assertEquals(List.of(Kind.Session, Kind.Relic), all.stream().map(SpecObject::kind).toList());
        assertEquals(8080, all.get(1).spec().get("port").intValue());
    }

    // --- number edge cases in JSON -----------------------------------------------------------------------

    @Test
    void hugeJsonIntegerIsOutOfRange() {
        List<FieldError> es = jsonErrors("{\"apiVersion\": \"corral.dev/v1\", \"kind\": \"Tool\", \"metadata\": {\"name\": \"t\","
                + " \"resourceVersion\": 99999999999999999999999}, \"spec\": {\"image\": \"x\"}}");
        assertEquals(List.of(new FieldError(0, "metadata.resourceVersion", "must be between 0 and " + Long.MAX_VALUE)), es);
    }

    @Test
    void overflowingJsonNumberInAnIntegerFieldIsAFieldError() {
        List<FieldError> es = jsonErrors("{\"apiVersion\": \"corral.dev/v1\", \"kind\": \"Tool\", \"metadata\": {\"name\": \"t\"},"
                + " \"spec\": {\"image\": \"x\", \"resources\": {\"memoryMb\": 1e400}}}");
        assertEquals(1, es.size());
        assertEquals("spec.resources.memoryMb", es.get(0).path());
    }

    @Test
    void nonFiniteJsonNumberInParametersIsRefused() {
        assertThrows(InvalidSpecException.class, () -> validator.validateAll(SpecParser.parse(
                ("{\"apiVersion\": \"corral.dev/v1\", \"kind\": \"ToolRun\", \"metadata\": {\"name\": \"r\"},"
                        + " \"spec\": {\"tool\": \"t\", \"parameters\": {\"n\": 1e400}}}").getBytes(StandardCharsets.UTF_8),
                SpecParser.Format.JSON)));
    }

    @Test
    void overflowingJsonNumberInResourceVersionIsAFieldError() {
        List<FieldError> es = jsonErrors("{\"apiVersion\": \"corral.dev/v1\", \"kind\": \"Tool\", \"metadata\": {\"name\": \"t\","
                + " \"resourceVersion\": -1e400}, \"spec\": {\"image\": \"x\", \"resources\": {\"memoryMb\": 1e400}}}");
        assertEquals(List.of(new FieldError(0, "metadata.resourceVersion", "must be between 0 and " + Long.MAX_VALUE),
                new FieldError(0, "spec.resources.memoryMb", "must be between 6 and 65536")), es);
    }

    @Test
    void nonFiniteJsonNumbersInParametersAreRefusedWithTheirPaths() {
        List<FieldError> es = jsonErrors("{\"apiVersion\": \"corral.dev/v1\", \"kind\": \"ToolRun\", \"metadata\": {\"name\": \"r\"},"
                + " \"spec\": {\"tool\": \"t\", \"parameters\": {\"n\": 1e400, \"ok\": 1e300,"
                + " \"deep\": {\"list\": [1, -1e999]}}}}");
        assertEquals(List.of(new FieldError(0, "spec.parameters.n", "must be a finite number"),
                new FieldError(0, "spec.parameters.deep.list[1]", "must be a finite number")), es);
    }

    @Test
    void finiteJsonParametersAreKeptAsGiven() {
        List<SpecObject> all = validator.validateAll(SpecParser.parse(("{\"apiVersion\": \"corral.dev/v1\","
                + " \"kind\": \"ToolRun\", \"metadata\": {\"name\": \"r\"}, \"spec\": {\"tool\": \"t\","
                + " \"parameters\": {\"n\": 1e300, \"i\": 123456789012345678901234567890, \"s\": \"Infinity\"}}}")
                .getBytes(StandardCharsets.UTF_8), SpecParser.Format.JSON));
        JsonNode p = all.get(0).spec().get("parameters");
        assertEquals(1e300, p.get("n").doubleValue());
        assertTrue(p.get("i").isBigInteger());
        assertEquals("Infinity", p.get("s").textValue());
    }

    @Test
    void nonFiniteJsonNumberInTheIgnoredStatusIsRefusedToo() {
        List<FieldError> es = jsonErrors("{\"apiVersion\": \"corral.dev/v1\", \"kind\": \"Tool\", \"metadata\": {\"name\": \"t\"},"
                + " \"spec\": {\"image\": \"x\"}, \"status\": {\"x\": [1e400]}}");
        assertEquals(List.of(new FieldError(0, "status.x[0]", "must be a finite number")), es);
    }

    @Test
    void overflowingJsonNumberInANumberFieldIsOutOfRange() {
        List<FieldError> es = jsonErrors("{\"apiVersion\": \"corral.dev/v1\", \"kind\": \"Tool\", \"metadata\": {\"name\": \"t\"},"
                + " \"spec\": {\"image\": \"x\", \"resources\": {\"cpus\": 1e400}}}");
        assertEquals(List.of(new FieldError(0, "spec.resources.cpus", "must be between 0.01 and 64")), es);
    }
}
