package dev.corral.containers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.events.EventFilter;
import dev.corral.events.EventRecorder;
import dev.corral.loop.ObservedState;
import dev.corral.loop.ReconcileMetrics;
import dev.corral.loop.ReconcileException;
import dev.corral.loop.Result;
import dev.corral.runtime.OwnContainer;
import dev.corral.spec.Kind;
import dev.corral.spec.Metadata;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.store.ApplyOptions;
import dev.corral.store.FileSpecStore;
import dev.corral.testing.FakeRuntime;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

import static dev.corral.containers.PlannerTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Session and Relic/Agent reconcilers and the executor, against the in-memory engine: each test
 * asserts the exact engine calls a reconcile made (like client-go's fake actions) and the status it wrote.
 */
class ReconcilersOnFakeEngineTest {

    static final ObjectKey S1 = ObjectKey.of(Kind.Session, null, "s1");
    static final ObjectKey WEB = ObjectKey.of(Kind.Relic, "s1", "web");
    static final ObjectKey BOT = ObjectKey.of(Kind.Agent, null, "bot");
    static final String WEB_SPEC = """
            {"image": "nginx:1.27", "port": 80, "volumes": [{"name": "data", "mountPath": "/data"}]}""";

    @TempDir
    Path dir;

    FakeRuntime engine = new FakeRuntime();
    ObservedState observed = new ObservedState();
    List<ObjectKey> woken = new ArrayList<>();
    /** The reconcilers' clock: moved by hand (the store stamps createdAt with the real one). */
    Instant now = Instant.now();
    FileSpecStore store;
    Executor executor;
    HealthProber prober;
    ContainerReconciler containers;
    SessionReconciler sessions;
    EventRecorder events;
    SimpleMeterRegistry registry;

    @BeforeEach
    void setUp() {
        store = FileSpecStore.open(dir, Clock.systemUTC(), Long.MAX_VALUE / 4);
        Clock clock = new Clock() {
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            public Instant instant() {
                return now;
            }
        };
        registry = new SimpleMeterRegistry();
        var metrics = new ReconcileMetrics(registry, () -> 0);
        var own = new OwnContainer(engine);
        events = new EventRecorder(100, clock);
        prober = new HealthProber(engine, woken::add, registry, clock, events, 1,
                new ProbeSite(dev.corral.config.CorralConfig.ProbeSite.auto, engine));
        executor = new Executor(engine, observed, Executors.newFixedThreadPool(2), Duration.ofSeconds(1), own, store,
                events);
        var status = new StatusWriter(store, clock, metrics);
        var observer = new ContainerObserver(observed, engine, prober, new CrashTracker(Duration.ofMinutes(10)), own);
        containers = new ContainerReconciler(observer, executor, status, PlannerTest.SETTINGS, metrics, woken::add,
                clock, own, events);
        sessions = new SessionReconciler(store, observed, executor, prober, new SubnetPool("10.213.0.0/16", 26),
                status, metrics, woken::add, clock, events);
    }

    @AfterEach
    void tearDown() {
        containers.shutdown();
        store.close();
    }

    // ---- fixtures ----------------------------------------------------------------------------

    void apply(Kind kind, String session, String name, String spec) {
        ObjectNode defaulted = ValidSpecs.defaulted(kind, session, name, json(spec));
        store.apply(List.of(new SpecObject(SpecObject.API_VERSION, kind,
                Metadata.declared(name, session, Map.of(), Map.of(), null), defaulted, null)), ApplyOptions.api(false));
    }

    Result reconcile(ObjectKey key) {
        SpecObject o = store.get(key).orElse(null);
        return key.kind() == Kind.Session ? sessions.reconcile(key, o) : containers.reconcile(key, o);
    }

    /** A new Corral process's container reconciler over the same store and engine: a new observer, which has never looked. */
    ContainerReconciler freshReconciler(HealthProber withProber) {
        return new ContainerReconciler(new ContainerObserver(observed, engine, withProber,
                new CrashTracker(Duration.ofMinutes(10)), new OwnContainer(engine)), executor,
                new StatusWriter(store, Clock.systemUTC(), new ReconcileMetrics(new SimpleMeterRegistry(), () -> 0)),
                PlannerTest.SETTINGS, new ReconcileMetrics(new SimpleMeterRegistry(), () -> 0), woken::add,
                Clock.systemUTC(), new OwnContainer(engine), events);
    }

    /** Reconciles and returns the engine calls that changed something. */
    List<String> writesOf(ObjectKey key) {
        engine.clearActions();
        reconcile(key);
        return engine.writes();
    }

    /** The events of an object, as "type reason message (count)", least recently seen first. */
    List<String> events(ObjectKey key) {
        return events.list(new EventFilter(key.kind(), key.session(), key.name(), null, null)).stream()
                .map(e -> e.type() + " " + e.reason() + " " + e.message() + " (" + e.count() + ")").toList();
    }

    String status(ObjectKey key, String field) {
        return store.get(key).orElseThrow().status().path(field).asText(null);
    }

    /** A resync: the observed picture is listed afresh from the engine. */
    void resync() {
        observed.replace(ObservedState.stamp(), engine.listContainers(), engine.listNetworks(), engine.listVolumes());
    }

    /** The web relic runs, then its container ends with {@code code}, as the engine and the picture see it. */
    String webEnded(long code) {
        webRunning();
        reconcile(WEB);
        String id = status(WEB, "containerId");
        engine.exit(id, code);
        observed.setState(id, "exited");
        return id;
    }

    void webRunning() {
        apply(Kind.Session, null, "s1", "{}");
        reconcile(S1);
        apply(Kind.Relic, "s1", "web", WEB_SPEC);
        reconcile(WEB);
    }

    // ---- sessions ----------------------------------------------------------------------------

    @Test
    void sessionCreatesItsNetwork() {
        apply(Kind.Session, null, "s1", "{}");
        assertEquals(List.of("create-network corral-session-s1"), writesOf(S1));
        assertEquals("Ready", status(S1, "phase"));
        assertEquals("10.213.0.0/26", status(S1, "subnet"));
        assertEquals(List.of(), writesOf(S1), "a second look changes nothing");
        assertEquals(List.of("Normal Created created network corral-session-s1 (10.213.0.0/26) (1)"), events(S1));
    }

    @Test
    void thePoolsFreeSubnetsAreCountedWhenTheGaugeIsRead() {
        assertEquals(-1.0, registry.get("corral_network_pool_free").gauge().value(), "the engine not listed yet");
        resync();
        assertEquals(1024.0, registry.get("corral_network_pool_free").gauge().value());
        apply(Kind.Session, null, "s1", "{}");
        reconcile(S1);
        assertEquals(1023.0, registry.get("corral_network_pool_free").gauge().value(), "s1's network took one");
    }

    @Test
    void expiredSessionIsDeletedFromTheStore() {
        apply(Kind.Session, null, "s1", "{\"ttlSeconds\": 60}");
        reconcile(S1);
        assertTrue(status(S1, "expiresAt") != null);
        now = now.plusSeconds(61);
        assertEquals(List.of(), writesOf(S1), "the store's delete comes first; the network goes on the next look");
        assertTrue(store.get(S1).isEmpty());
        assertEquals(List.of("remove-network " + observed.network("corral-session-s1").orElseThrow().id()),
                writesOf(S1));
    }

    @Test
    void goneSessionRemovesContainersThenVolumesThenNetwork() {
        webRunning();
        String network = observed.network("corral-session-s1").orElseThrow().id();
        store.delete(S1, null, "api");
        assertEquals(List.of("remove-container corral-relic-s1-web", "remove-volume corral-vol-s1-data",
                "remove-network " + network), writesOf(S1));
    }

    // ---- relics ------------------------------------------------------------------------------

    @Test
    void relicIsCreatedThenReady() {
        apply(Kind.Session, null, "s1", "{}");
        reconcile(S1);
        apply(Kind.Relic, "s1", "web", WEB_SPEC);
        assertEquals(List.of("create-volume corral-vol-s1-data", "ensure-image nginx:1.27",
                "create-container corral-relic-s1-web", "start-container corral-relic-s1-web"), writesOf(WEB));
        assertEquals("Creating", status(WEB, "phase"));
        assertEquals(List.of(), writesOf(WEB));
        assertEquals("Ready", status(WEB, "phase"));
        assertEquals("http://web:80", status(WEB, "internalUrl"));
        assertEquals(List.of("Normal Created created container corral-relic-s1-web: not found (1)",
                "Normal Started started container corral-relic-s1-web (1)"), events(WEB));
    }

    @Test
    void relicWaitsForItsSessionNetwork() {
        apply(Kind.Session, null, "s1", "{}");
        apply(Kind.Relic, "s1", "web", WEB_SPEC);
        assertEquals(List.of(), writesOf(WEB));
        assertEquals("Pending", status(WEB, "phase"));
    }

    @Test
    void existingContainerIsAdoptedWithoutACall() {
        webRunning();
        String id = status(WEB, "containerId");
        observed.replace(ObservedState.stamp(), List.of(), List.of(), List.of());
        resync();
        assertEquals(List.of(), writesOf(WEB));
        assertEquals(id, status(WEB, "containerId"));
        assertEquals("Ready", status(WEB, "phase"));
    }

    @Test
    void containerMissedByAStalePictureIsAdoptedAfterTheNameConflict() {
        webRunning();
        String id = status(WEB, "containerId");
        observed.removeContainer(id);
        // The picture says missing: the create meets the engine's container of that name, which is ours and current.
        assertEquals(List.of("ensure-image nginx:1.27", "create-container corral-relic-s1-web",
                "start-container corral-relic-s1-web"), writesOf(WEB));
        assertEquals(id, status(WEB, "containerId"));
        assertEquals(1, engine.listContainers().size(), "adopted, not duplicated");
        assertTrue(events(WEB).contains("Normal Adopted adopted container corral-relic-s1-web (" + id.substring(0, Math.min(12, id.length()))
                + "), made by an earlier try (1)"), events(WEB)::toString);
    }

    @Test
    void specHashChangeRecreates() {
        webRunning();
        reconcile(WEB);
        apply(Kind.Relic, "s1", "web", WEB_SPEC.replace("nginx:1.27", "nginx:1.28"));
        assertEquals(List.of("remove-container corral-relic-s1-web", "ensure-image nginx:1.28",
                "create-container corral-relic-s1-web", "start-container corral-relic-s1-web"), writesOf(WEB));
    }

    @Test
    void healthEditDoesNotRecreate() {
        webRunning();
        reconcile(WEB);
        apply(Kind.Relic, "s1", "web", WEB_SPEC.replace("\"port\": 80,", "\"port\": 80, \"restartPolicy\": \"OnFailure\","));
        assertEquals(List.of(), writesOf(WEB));
    }

    @Test
    void crashRestartsAtOnceThenBacksOff() {
        webRunning();
        reconcile(WEB);
        String id = status(WEB, "containerId");

        engine.exit(id, 1);
        observed.setState(id, "exited");
        now = Instant.now(); // the fake engine stamps finishedAt with the real clock
        assertEquals(List.of("start-container corral-relic-s1-web"), writesOf(WEB), "first crash: at once");
        assertEquals("1", status(WEB, "restarts"));
        assertEquals("1", store.get(WEB).orElseThrow().status().path("lastTermination").path("exitCode").asText());

        engine.exit(id, 1);
        observed.setState(id, "exited");
        now = Instant.now();
        engine.clearActions();
        Result r = reconcile(WEB);
        assertEquals(List.of(), engine.writes(), "second crash in a row: wait");
        assertEquals("CrashLoopBackOff", status(WEB, "phase"));
        assertEquals(Result.Kind.REQUEUE, r.kind());
        assertTrue(r.after().compareTo(Duration.ofSeconds(10)) <= 0 && r.after().compareTo(Duration.ZERO) > 0, r.after()::toString);

        now = now.plusSeconds(11);
        assertEquals(List.of("start-container corral-relic-s1-web"), writesOf(WEB), "backoff over: restarted");
        assertEquals("2", status(WEB, "restarts"));
        reconcile(WEB);

        // A third crash; looked at twice while it waits, it is still told once.
        engine.exit(id, 1);
        observed.setState(id, "exited");
        now = Instant.now();
        reconcile(WEB);
        reconcile(WEB);
        assertEquals(List.of("Normal Created created container corral-relic-s1-web: not found (1)",
                "Normal Started started container corral-relic-s1-web (3)",
                "Warning Killed container corral-relic-s1-web died: exited with code 1 (3)",
                "Warning BackOff Back-off restarting failed container corral-relic-s1-web (2)"), events(WEB),
                "each crash counted once on one Killed event, each wait on one BackOff event");
    }

    @Test
    void aCrashTheEventStreamSawWholeIsRestartedWithoutAnInspect() {
        webRunning();
        reconcile(WEB);
        String id = status(WEB, "containerId");
        var streamed = new dev.corral.loop.EngineEvents(observed, new OwnContainer(engine), k -> null);
        Map<String, String> attrs = new java.util.HashMap<>(observed.container(id).orElseThrow().labels());
        Instant started = Instant.now().minusSeconds(1);
        Instant died = Instant.now();
        streamed.apply(new dev.corral.runtime.RuntimeEvent("container", "start", id, attrs, started));
        engine.exit(id, 137);
        streamed.apply(new dev.corral.runtime.RuntimeEvent("container", "oom", id, attrs, died));
        Map<String, String> dieAttrs = new java.util.HashMap<>(attrs);
        dieAttrs.put("exitCode", "137");
        streamed.apply(new dev.corral.runtime.RuntimeEvent("container", "die", id, dieAttrs, died));
        now = Instant.now();

        engine.clearActions();
        reconcile(WEB);
        assertEquals(List.of("start-container corral-relic-s1-web"), engine.writes(), "restarted at once");
        assertEquals(List.of(), engine.actions().stream().filter(a -> a.verb().startsWith("inspect")).toList(),
                "what the events said was enough");
        var last = store.get(WEB).orElseThrow().status().path("lastTermination");
        assertEquals("137", last.path("exitCode").asText(), last::toString);
        assertTrue(last.toString().contains("OOM"), last::toString);
    }

    @Test
    void aContainerTheEngineCannotStartIsReplaced() {
        String id = webEnded(0);
        engine.unstartable.add(id);
        now = Instant.now();
        engine.clearActions();
        ReconcileException e = assertThrows(ReconcileException.class, () -> reconcile(WEB));
        assertEquals("StartFailed", e.reason());
        assertEquals(List.of("start-container corral-relic-s1-web", "remove-container corral-relic-s1-web"), engine.writes());
        assertTrue(engine.container(id).isEmpty(), "the broken container is gone");
        assertEquals(List.of("ensure-image nginx:1.27", "create-container corral-relic-s1-web",
                "start-container corral-relic-s1-web"), writesOf(WEB), "the next pass makes a fresh one");
        assertNotEquals(id, engine.container("corral-relic-s1-web").orElseThrow().id);
        assertTrue(engine.container("corral-relic-s1-web").orElseThrow().running);
    }

    @Test
    void aContainerWhoseStartFailsTwiceInARowIsReplaced() {
        String id = webEnded(0);
        engine.startFailure = "task " + id + ": already in a state no start can leave";
        now = Instant.now();
        assertThrows(dev.corral.runtime.EngineException.class, () -> reconcile(WEB), "the first 500: retried");
        assertTrue(engine.container(id).isPresent(), "kept after one failure");
        assertThrows(ReconcileException.class, () -> reconcile(WEB), "the second in a row: replaced");
        assertTrue(engine.container(id).isEmpty());
        engine.startFailure = null;
        reconcile(WEB);
        assertTrue(engine.container("corral-relic-s1-web").orElseThrow().running);
    }

    @Test
    void aStartAfterAStopIsTheUsersNotACrashRestart() {
        webRunning();
        reconcile(WEB);
        String id = status(WEB, "containerId");
        apply(Kind.Relic, "s1", "web", WEB_SPEC.replaceFirst("\\{", "{\"state\": \"Stopped\", "));
        assertEquals(List.of("stop-container corral-relic-s1-web"), writesOf(WEB));
        assertEquals("Stopped", status(WEB, "phase"));
        assertEquals("state", status(WEB, "stoppedBy"));
        assertTrue(status(WEB, "stoppedAt") != null);
        engine.exit(id, 137);
        observed.setState(id, "exited");

        apply(Kind.Relic, "s1", "web", WEB_SPEC);
        now = Instant.now();
        assertEquals(List.of("start-container corral-relic-s1-web"), writesOf(WEB));
        assertEquals("0", status(WEB, "restarts"), "not a restart");
        assertEquals(null, status(WEB, "stoppedBy"));
        assertEquals(null, status(WEB, "stoppedAt"));
        assertTrue(status(WEB, "startedAt") != null);
        assertTrue(events(WEB).stream().noneMatch(e -> e.contains("died")), events(WEB)::toString);
    }

    @Test
    void aContainerThatEndedByItselfIsNotStartedByAnUnrelatedChange() {
        apply(Kind.Session, null, "s1", "{}");
        reconcile(S1);
        String spec = WEB_SPEC.replaceFirst("\\{", "{\"restartPolicy\": \"OnFailure\", ");
        apply(Kind.Relic, "s1", "web", spec);
        reconcile(WEB);
        reconcile(WEB);
        String id = status(WEB, "containerId");
        engine.exit(id, 0);
        observed.setState(id, "exited");
        now = Instant.now();
        assertEquals(List.of(), writesOf(WEB));
        assertEquals("Stopped", status(WEB, "phase"));
        assertEquals(null, status(WEB, "stoppedBy"), "it completed: not at rest on purpose");
        apply(Kind.Relic, "s1", "web", spec.replaceFirst("\\{", "{\"maxRestarts\": 5, "));
        assertEquals(List.of(), writesOf(WEB), "a completed container stays so when an unrelated field changes");
    }

    @Test
    void aContainerFoundByAFreshCorralIsAdopted() {
        webRunning();
        reconcile(WEB);
        // A new Corral process: a new observer, which has never looked at the relic.
        var fresh = freshReconciler(prober);
        fresh.reconcile(WEB, store.get(WEB).orElseThrow());
        fresh.reconcile(WEB, store.get(WEB).orElseThrow());
        assertEquals(List.of("Normal Adopted adopted container corral-relic-s1-web, left by an earlier run of Corral (1)"),
                events(WEB).stream().filter(e -> e.contains("Adopted")).toList());
    }

    @Test
    void aFreshCorralAdoptsAProbedContainerWithoutAskingTheEngineForItsAddress() {
        apply(Kind.Session, null, "s1", "{}");
        reconcile(S1);
        apply(Kind.Relic, "s1", "web", WEB_SPEC.replace("\"port\": 80,", "\"port\": 80, \"health\": {\"tcp\": {\"port\": 80}},"));
        reconcile(WEB);
        reconcile(WEB);
        String id = status(WEB, "containerId");
        assertTrue(prober.watching(WEB, id), "probed by the first process");
        // A new Corral process: its first list (with each container's addresses), a new prober and observer.
        observed.replace(ObservedState.stamp(), engine.listContainers(), engine.listNetworks(), engine.listVolumes());
        var freshProber = new HealthProber(engine, woken::add, new SimpleMeterRegistry(), Clock.systemUTC(), events, 1,
                new ProbeSite(dev.corral.config.CorralConfig.ProbeSite.auto, engine));
        var fresh = freshReconciler(freshProber);
        try {
            engine.clearActions();
            fresh.reconcile(WEB, store.get(WEB).orElseThrow());
            fresh.reconcile(WEB, store.get(WEB).orElseThrow());
            assertTrue(freshProber.watching(WEB, id), "probed again by the new one");
            assertEquals(List.of(), engine.actions().stream().filter(a -> a.verb().startsWith("inspect")).toList(),
                    "adopted with no inspect: its address was in the list");

            // It crashes and is started again: it may have another address now, so the engine is asked.
            engine.exit(id, 1);
            observed.setState(id, "exited");
            fresh.reconcile(WEB, store.get(WEB).orElseThrow());
            assertTrue(engine.container(id).orElseThrow().running, "restarted");
            engine.clearActions();
            fresh.reconcile(WEB, store.get(WEB).orElseThrow());
            assertTrue(freshProber.watching(WEB, id), "probed again after the restart");
            assertEquals(List.of("inspect corral-relic-s1-web"), engine.actions().stream()
                    .filter(a -> a.verb().startsWith("inspect")).map(Object::toString).toList(),
                    "the listed address is not trusted across a restart");
        } finally {
            fresh.shutdown();
        }
    }

    @Test
    void onPodmanAnHttpProbeRunsInsideTheContainer() {
        engine.engine = new dev.corral.runtime.EngineIdentity(true, "4.3.1");
        apply(Kind.Session, null, "s1", "{}");
        reconcile(S1);
        apply(Kind.Relic, "s1", "web", WEB_SPEC.replace("\"port\": 80,",
                "\"port\": 80, \"health\": {\"http\": {\"path\": \"/healthz\", \"port\": 80}},"));
        reconcile(WEB);
        reconcile(WEB);
        String id = status(WEB, "containerId");
        assertTrue(prober.watching(WEB, id));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !engine.execs.isEmpty());
        assertEquals(List.of("timeout", "1", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:80/healthz"),
                engine.execs.get(0));
        assertFalse(prober.byAddress(new dev.corral.spec.model.HealthSpec(new dev.corral.spec.model.HealthSpec.Tcp(80),
                0, 10, 1, 3, 60)), "no probe goes to the container's address");
    }

    @Test
    void containerGoneSinceTheListIsLookedAtAgain() {
        webRunning();
        reconcile(WEB);
        String id = status(WEB, "containerId");
        observed.setState(id, "exited");
        engine.removeContainer(id);
        woken.clear();
        assertEquals(List.of(), writesOf(WEB));
        assertEquals(List.of(WEB), woken);
        assertEquals(List.of("ensure-image nginx:1.27", "create-container corral-relic-s1-web",
                "start-container corral-relic-s1-web"), writesOf(WEB));
    }

    @Test
    void deletedRelicIsRemovedButItsSessionVolumeStays() {
        webRunning();
        store.delete(WEB, null, "api");
        assertEquals(List.of("remove-container corral-relic-s1-web"), writesOf(WEB));
        assertTrue(engine.listVolumes().stream().anyMatch(v -> v.name().equals("corral-vol-s1-data")));
    }

    // ---- agents ------------------------------------------------------------------------------

    @Test
    void stoppedAgentIsCreatedButNotStarted() {
        apply(Kind.Agent, null, "bot", "{\"image\": \"python:3.12\", \"state\": \"Stopped\"}");
        assertEquals(List.of("ensure-image python:3.12", "create-container corral-agent-bot"), writesOf(BOT));
        assertEquals("Stopped", status(BOT, "phase"));
        assertEquals(List.of(), writesOf(BOT));
    }

    @Test
    void runningAgentIsStoppedWhenItsStateSaysSo() {
        apply(Kind.Agent, null, "bot", "{\"image\": \"python:3.12\"}");
        assertEquals(List.of("ensure-image python:3.12", "create-container corral-agent-bot",
                "start-container corral-agent-bot"), writesOf(BOT));
        apply(Kind.Agent, null, "bot", "{\"image\": \"python:3.12\", \"state\": \"Stopped\"}");
        assertEquals(List.of("stop-container corral-agent-bot"), writesOf(BOT), "same spec-hash: stopped, not re-created");
        assertEquals("Stopped", status(BOT, "phase"));
    }

    @Test
    void deletedAgentTakesItsVolumes() {
        apply(Kind.Agent, null, "bot", "{\"image\": \"python:3.12\", \"volumes\": [{\"name\": \"cache\", \"mountPath\": \"/c\"}]}");
        reconcile(BOT);
        store.delete(BOT, null, "api");
        assertEquals(List.of("remove-container corral-agent-bot", "remove-volume corral-vol-agent-bot-cache"),
                writesOf(BOT));
    }
}
