package dev.corral.containers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.loop.ObservedState;
import dev.corral.ownership.Ownership;
import dev.corral.runtime.ContainerRequest.Mount;
import dev.corral.runtime.ContainerRequest;
import dev.corral.runtime.Labels;
import dev.corral.runtime.ObservedContainer;
import dev.corral.spec.Json;
import dev.corral.spec.Kind;
import dev.corral.spec.Metadata;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.spec.model.HealthSpec;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.corral.containers.PlannerTest.json;
import static dev.corral.containers.PlannerTest.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContainerSpecsTest {

    static final String BASE = """
            {"image": "nginx:1.27", "command": ["nginx"], "args": ["-g", "daemon off;"],
             "env": {"A": "1", "B": "2"}, "resources": {"memoryMb": 512, "cpus": 1.5, "pids": 100}}""";

    static String hash(String spec) {
        return ContainerSpecs.hash(json(spec));
    }

    static DesiredContainer relic(String spec) {
        return ContainerSpecs.desired(object(Kind.Relic, "s1", "web", "uid-1", spec));
    }

    static DesiredContainer agent(String spec) {
        return ContainerSpecs.desired(object(Kind.Agent, null, "bot", "uid-2", spec));
    }

    // ---- spec-hash ---------------------------------------------------------------------------

    @Test
    void hashIsSixteenHexDigitsAndDeterministic() {
        String h = hash(BASE);
        assertTrue(h.matches("[0-9a-f]{16}"), h);
        assertEquals(h, hash(BASE));
        assertEquals(h, relic(BASE).hash());
    }

    @Test
    void hashIsStableAcrossKeyOrder() {
        String reordered = """
                {"resources": {"pids": 100, "cpus": 1.5, "memoryMb": 512}, "env": {"B": "2", "A": "1"},
                 "args": ["-g", "daemon off;"], "command": ["nginx"], "image": "nginx:1.27"}""";
        assertEquals(hash(BASE), hash(reordered));
    }

    @Test
    void hashIsStableAcrossKeyOrderInNestedObjects() {
        assertEquals(hash("{\"image\": \"x\", \"volumes\": [{\"name\": \"d\", \"mountPath\": \"/d\"}]}"),
                hash("{\"volumes\": [{\"mountPath\": \"/d\", \"name\": \"d\"}], \"image\": \"x\"}"));
    }

    @Test
    void hashChangesWithImageEnvAndCommand() {
        String h = hash(BASE);
        assertNotEquals(h, hash(BASE.replace("nginx:1.27", "nginx:1.28")));
        assertNotEquals(h, hash(BASE.replace("\"B\": \"2\"", "\"B\": \"3\"")));
        assertNotEquals(h, hash(BASE.replace("\"B\": \"2\"", "\"C\": \"2\"")));
        assertNotEquals(h, hash(BASE.replace("\"command\": [\"nginx\"]", "\"command\": [\"nginx-debug\"]")));
        assertNotEquals(h, hash(BASE.replace("\"-g\", \"daemon off;\"", "\"daemon off;\", \"-g\"")),
                "argument order matters");
        assertNotEquals(h, hash(BASE.replace("512", "1024")));
    }

    @Test
    void hashIgnoresFieldsThatNeedNoNewContainer() {
        String h = hash(BASE);
        String withExtras = BASE.substring(0, BASE.length() - 1) + """
                , "health": {"httpGet": {"path": "/", "port": 80}}, "restartPolicy": "Never",
                  "state": "Stopped", "imagePullPolicy": "Always"}""";
        assertEquals(h, hash(withExtras));
        assertEquals(h, hash(withExtras.replace("\"Never\"", "\"OnFailure\"").replace("\"/\"", "\"/healthz\"")));
    }

    @Test
    void hashDoesNotModifyTheSpec() {
        ObjectNode spec = json(BASE.substring(0, BASE.length() - 1) + ", \"restartPolicy\": \"Never\"}");
        ObjectNode before = spec.deepCopy();
        ContainerSpecs.hash(spec);
        assertEquals(before, spec);
    }

    // ---- the container request ---------------------------------------------------------------

    @Test
    void limitsComeFromResources() {
        ContainerRequest r = relic(BASE).request();
        assertEquals(512L * 1024 * 1024, r.memoryBytes());
        assertEquals(1_500_000_000L, r.nanoCpus());
        assertEquals(100L, r.pidsLimit());
    }

    @Test
    void limitsHaveDefaults() {
        ContainerRequest r = relic("{\"image\": \"x\"}").request();
        assertEquals(256L * 1024 * 1024, r.memoryBytes());
        assertEquals(500_000_000L, r.nanoCpus());
        assertEquals(256L, r.pidsLimit());
    }

    @Test
    void fractionalCpusRoundToNanoCpus() {
        assertEquals(333_000_000L, relic("{\"image\": \"x\", \"resources\": {\"cpus\": 0.333}}").request().nanoCpus());
    }

    @Test
    void swapIsNotSeparatelySet() {
        // The request carries only the memory limit; the runtime sets swap equal to it (no swap on top).
        assertTrue(Arrays.stream(ContainerRequest.class.getRecordComponents())
                        .noneMatch(c -> c.getName().toLowerCase(Locale.ROOT).contains("swap")),
                "ContainerRequest must not carry a separate swap setting");
    }

    @Test
    void commandArgsAndEnv() {
        ContainerRequest r = relic(BASE).request();
        assertEquals("nginx:1.27", r.image());
        assertEquals(List.of("nginx"), r.entrypoint());
        assertEquals(List.of("-g", "daemon off;"), r.cmd());
        assertEquals(Map.of("A", "1", "B", "2"), r.env());
        assertEquals(List.of("A", "B"), List.copyOf(r.env().keySet()), "env is sorted");

        ContainerRequest bare = relic("{\"image\": \"x\"}").request();
        assertNull(bare.entrypoint(), "no command keeps the image's entrypoint");
        assertNull(bare.cmd(), "no args keeps the image's cmd");
        assertEquals(Map.of(), bare.env());
    }

    @Test
    void relicLabels() {
        DesiredContainer d = relic(BASE);
        assertEquals(Map.of(Labels.MANAGED, "true", Labels.KIND, "Relic", Labels.NAME, "web", Labels.SESSION, "s1",
                Labels.UID, "uid-1", Labels.SPEC_HASH, d.hash(), Labels.LABELS_HASH,
                dev.corral.ownership.SpecHash.of(Map.of())), d.request().labels());
        assertEquals(ObjectKey.of(Kind.Relic, "s1", "web"), Ownership.ownerOf(d.request().labels()));
    }

    @Test
    void agentLabelsHaveNoSession() {
        DesiredContainer d = agent("{\"image\": \"python:3.12\"}");
        assertEquals(Map.of(Labels.MANAGED, "true", Labels.KIND, "Agent", Labels.NAME, "bot",
                Labels.UID, "uid-2", Labels.SPEC_HASH, d.hash(), Labels.LABELS_HASH,
                dev.corral.ownership.SpecHash.of(Map.of())), d.request().labels());
        assertEquals(ObjectKey.of(Kind.Agent, null, "bot"), Ownership.ownerOf(d.request().labels()));
    }

    @Test
    void labelsWithoutUid() {
        SpecObject o = object(Kind.Relic, "s1", "web", null, "{\"image\": \"x\"}");
        assertFalse(Ownership.of(o).containsKey(Labels.UID));
        assertNull(ContainerSpecs.desired(o).uid());
    }

    @Test
    void relicNamesNetworkAliasesAndUrl() {
        DesiredContainer d = relic("{\"image\": \"x\", \"port\": 8080}");
        assertEquals("corral-relic-s1-web", d.name());
        assertEquals("corral-relic-s1-web", d.request().name());
        assertEquals("corral-session-s1", d.network());
        assertEquals("corral-session-s1", d.request().network());
        assertEquals(List.of("web"), d.request().aliases());
        assertEquals("http://web:8080", d.internalUrl());
        assertNull(relic("{\"image\": \"x\"}").internalUrl(), "no port, no URL");
        assertEquals(1L, d.generation());
        assertEquals(ObjectKey.of(Kind.Relic, "s1", "web"), d.key());
    }

    @Test
    void agentNamesNetworkAliasesAndUrl() {
        DesiredContainer d = agent("{\"image\": \"x\", \"port\": 8080}");
        assertEquals("corral-agent-bot", d.name());
        assertEquals(ContainerSpecs.AGENT_NETWORK, d.network());
        assertEquals("bridge", d.request().network());
        assertEquals(List.of(), d.request().aliases());
        assertNull(d.internalUrl(), "agents have no internal URL");
    }

    @Test
    void relicVolumes() {
        DesiredContainer d = relic("""
                {"image": "x", "volumes": [{"name": "data", "mountPath": "/data"},
                                           {"name": "conf", "mountPath": "/etc/app", "readOnly": true}]}""");
        assertEquals(List.of("corral-vol-s1-data", "corral-vol-s1-conf"), d.volumeNames());
        assertEquals(Map.of(Labels.MANAGED, "true", Labels.KIND, "Session", Labels.NAME, "data",
                Labels.SESSION, "s1"), d.volumes().get("corral-vol-s1-data"));
        assertEquals(ObjectKey.of(Kind.Session, null, "s1"),
                Ownership.ownerOf(d.volumes().get("corral-vol-s1-data")), "session volumes belong to the session");
        assertEquals(List.of(new Mount("corral-vol-s1-data", "/data", false, false),
                new Mount("corral-vol-s1-conf", "/etc/app", true, false)), d.request().mounts());
    }

    @Test
    void agentVolumesAndCodeMount() {
        DesiredContainer d = agent("""
                {"image": "python:3.12", "code": "/srv/agents/bot",
                 "volumes": [{"name": "cache", "mountPath": "/cache"}]}""");
        assertEquals(List.of("corral-vol-agent-bot-cache"), d.volumeNames());
        assertEquals(Map.of(Labels.MANAGED, "true", Labels.KIND, "Agent", Labels.NAME, "bot"),
                d.volumes().get("corral-vol-agent-bot-cache"));
        assertEquals(List.of(new Mount("corral-vol-agent-bot-cache", "/cache", false, false),
                new Mount("/srv/agents/bot", "/app/agent", true, true)), d.request().mounts());
        assertEquals(ContainerSpecs.AGENT_CODE_PATH, "/app/agent");
    }

    @Test
    void agentWithoutCodeHasNoBind() {
        assertEquals(List.of(), agent("{\"image\": \"x\"}").request().mounts());
    }

    @Test
    void relicCodeIsNotMounted() {
        // The schema refuses code on a Relic; put it in after validation: a Relic's spec still mounts nothing.
        assertEquals(List.of(), ContainerSpecs.desired(stray(object(Kind.Relic, "s1", "web", "uid-1",
                "{\"image\": \"x\"}"), "code", "/srv/x")).request().mounts());
    }

    /** The object with a field its kind's schema refuses, as if it had slipped past validation. */
    static SpecObject stray(SpecObject o, String field, String value) {
        o.spec().put(field, value);
        return o;
    }

    @Test
    void policiesAndState() {
        DesiredContainer d = relic("{\"image\": \"x\"}");
        assertEquals("Always", d.restartPolicy().name());
        assertEquals("IfNotPresent", d.pullPolicy());
        assertNull(d.health());
        assertTrue(d.wantRunning());

        // A Relic can be stopped as an Agent can (Cortex-Prime's stop keeps the relic).
        DesiredContainer e = relic("""
                {"image": "x", "restartPolicy": "OnFailure", "imagePullPolicy": "Always",
                 "health": {"http": {"port": 80}}, "state": "Stopped"}""");
        assertEquals("OnFailure", e.restartPolicy().name());
        assertEquals("Always", e.pullPolicy());
        assertEquals(80, ((HealthSpec.Http) e.health().probe()).port());
        assertFalse(e.wantRunning());
        assertTrue(relic("{\"image\": \"x\", \"state\": \"Running\"}").wantRunning());

        assertFalse(agent("{\"image\": \"x\", \"state\": \"Stopped\"}").wantRunning());
        assertTrue(agent("{\"image\": \"x\", \"state\": \"Running\"}").wantRunning());
        assertTrue(agent("{\"image\": \"x\"}").wantRunning());
    }

    @Test
    void stateChangeKeepsTheAgentsHash() {
        assertEquals(agent("{\"image\": \"x\", \"state\": \"Stopped\"}").hash(),
                agent("{\"image\": \"x\", \"state\": \"Running\"}").hash());
    }

    // ---- isolation, limits, labels -------------------------------------------------------------

    @Test
    void fieldsAddedLaterKeepTheHashOfASpecStoredBeforeThem() {
        // A spec stored before isolation, logs and security existed, and the same spec defaulted now.
        assertEquals(hash(BASE), relic(BASE).hash());
        assertNotEquals(hash(BASE), relic(BASE.replace("{\"image\"", "{\"isolation\": \"standard\", \"image\"")).hash());
        assertNotEquals(hash(BASE), relic(BASE.replace("{\"image\"", "{\"logs\": {\"maxSizeMb\": 1}, \"image\"")).hash());
    }

    @Test
    void eachIsolationLevelAddsToTheOneBelow() {
        DesiredContainer minimal = relic("{\"image\": \"x\"}");
        assertNull(minimal.request().hardening(), "minimal: limits only");
        assertNull(minimal.request().confinement().runtime());
        assertEquals(10, minimal.request().confinement().logMaxSizeMb(), "every container's logs rotate");
        assertEquals(3, minimal.request().confinement().logMaxFiles());
        assertNull(minimal.request().confinement().seccomp(), "default: the engine's own profile");

        var standard = relic("{\"image\": \"x\", \"isolation\": \"standard\"}").request();
        assertEquals("65534:65534", standard.hardening().user());
        assertTrue(standard.hardening().readOnlyRoot() && standard.hardening().dropAllCaps()
                && standard.hardening().noNewPrivileges() && standard.hardening().init());
        assertNull(standard.confinement().runtime());

        var strict = agent("{\"image\": \"x\", \"isolation\": \"strict\"}").request();
        assertEquals("runsc", strict.confinement().runtime());
        assertTrue(strict.hardening().readOnlyRoot(), "strict is standard and more");
    }

    @Test
    void limitsAndProfilesReachTheRequest() {
        var c = relic("""
                {"image": "x", "resources": {"openFiles": 512, "processes": 64, "diskReadBps": 1048576,
                 "diskWriteBps": 2097152}, "logs": {"maxSizeMb": 1, "maxFiles": 2},
                 "security": {"seccomp": "strict-net", "apparmor": "corral-relic"}}""").request().confinement();
        assertEquals(512L, c.openFiles());
        assertEquals(64L, c.processes());
        assertEquals(1048576L, c.diskReadBps());
        assertEquals(2097152L, c.diskWriteBps());
        assertEquals(1, c.logMaxSizeMb());
        assertEquals(2, c.logMaxFiles());
        assertEquals("strict-net", c.seccomp());
        assertEquals("corral-relic", c.apparmor());
    }

    @Test
    void anObjectsLabelsGoOnItsContainerUnderTheirPrefix() {
        Metadata md = new Metadata("web", "s1", Map.of("team", "search"), null, "uid-1", 1L, 1L, null, null, null);
        SpecObject labelled = new SpecObject(SpecObject.API_VERSION, Kind.Relic, md,
                ValidSpecs.defaulted(Kind.Relic, "s1", "web", json("{\"image\": \"x\"}")), Json.MAPPER.createObjectNode());
        DesiredContainer d = ContainerSpecs.desired(labelled);
        assertEquals("search", d.request().labels().get("label.corral.dev/team"));
        assertEquals("web", d.request().labels().get("corral.dev/name"), "Corral's own labels are untouched");
        DesiredContainer unlabelled = relic("{\"image\": \"x\"}");
        assertEquals(unlabelled.hash(), d.hash(), "labels are not in the spec-hash: an upgrade re-creates nothing");
        ObservedContainer old = new ObservedContainer("c1", d.name(), unlabelled.request().labels(), "running");
        assertEquals("labels changed", CurrentContainer.mismatch(d, old), "new labels need a new container");
        Map<String, String> beforeLabelsWereCopied = new java.util.HashMap<>(unlabelled.request().labels());
        beforeLabelsWereCopied.remove(Labels.LABELS_HASH);
        assertNull(CurrentContainer.mismatch(d, new ObservedContainer("c1", d.name(), beforeLabelsWereCopied, "running")),
                "a container from before labels were copied is kept");
    }
}
