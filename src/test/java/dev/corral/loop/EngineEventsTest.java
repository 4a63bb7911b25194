package dev.corral.loop;

import dev.corral.runtime.ObservedContainer;
import dev.corral.runtime.ObservedNetwork;
import dev.corral.runtime.OwnContainer;
import dev.corral.runtime.RuntimeEvent;
import dev.corral.runtime.SelfContainer;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.testing.FakeRuntime;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which keys each engine event enqueues and what it records in the observed state; no engine. */
class EngineEventsTest {

    private static final ObjectKey WEB = ObjectKey.of(Kind.Relic, "s1", "web");
    private static final ObjectKey DB = ObjectKey.of(Kind.Relic, "s1", "db");
    private static final ObjectKey S1 = ObjectKey.of(Kind.Session, null, "s1");
    private static final ObjectKey POOL = ObjectKey.of(Kind.Tool, null, "lint");
    private static final ObjectKey RUN = ObjectKey.of(Kind.ToolRun, null, "r1");
    private static final String NET = "corral-session-s1";

    private final FakeRuntime engine = new FakeRuntime();
    private final ObservedState observed = new ObservedState();
    private final Map<String, ObjectKey> claims = new HashMap<>();
    private OwnContainer own;
    private EngineEvents events;

    @BeforeEach
    void setUp() {
        observed.replace(ObservedState.stamp(), List.of(), List.of(), List.of());
        own = new OwnContainer(engine);
        events = new EngineEvents(observed, own, claims::get);
    }

    private static Map<String, String> labels(ObjectKey k) {
        Map<String, String> l = new HashMap<>(Map.of("corral.dev/managed", "true", "corral.dev/kind", k.kind().name(),
                "corral.dev/name", k.name()));
        if (k.session() != null) {
            l.put("corral.dev/session", k.session());
        }
        return l;
    }

    private static RuntimeEvent container(String action, String id, Map<String, String> labels) {
        Map<String, String> attrs = new HashMap<>(labels);
        attrs.put("name", "name-" + id);
        attrs.put("image", "nginx");
        return new RuntimeEvent("container", action, id, attrs);
    }

    private static RuntimeEvent network(String action, String networkId, String name, String container) {
        Map<String, String> attrs = new HashMap<>();
        attrs.put("name", name);
        attrs.put("type", "bridge");
        if (container != null) {
            attrs.put("container", container);
        }
        return new RuntimeEvent("network", action, networkId, attrs);
    }

    private void known(String id, ObjectKey owner, String state, Map<String, String> networks) {
        observed.put(new ObservedContainer(id, "name-" + id, labels(owner), state, networks));
    }

    @Test
    void aManagedContainerThatDiesIsRecordedExitedAndItsOwnerEnqueued() {
        known("c1", WEB, "running", Map.of());
        assertEquals(List.of(WEB), events.apply(container("die", "c1", labels(WEB))));
        assertEquals("exited", observed.container("c1").orElseThrow().state());
    }

    @Test
    void aManagedContainerThatStartsIsRecordedRunning() {
        known("c1", WEB, "created", Map.of());
        assertEquals(List.of(WEB), events.apply(container("start", "c1", labels(WEB))));
        assertEquals("running", observed.container("c1").orElseThrow().state());
    }

    @Test
    void aDestroyedContainerLeavesThePictureAndItsOwnerIsEnqueued() {
        known("c1", WEB, "exited", Map.of());
        assertEquals(List.of(WEB), events.apply(container("destroy", "c1", labels(WEB))));
        assertTrue(observed.container("c1").isEmpty());
    }

    @Test
    void aCreatedManagedContainerIsRecordedAsCreatedWithItsLabelsOnly() {
        assertEquals(List.of(WEB), events.apply(container("create", "c1", labels(WEB))));
        ObservedContainer c = observed.container("c1").orElseThrow();
        assertEquals("created", c.state());
        assertEquals("name-c1", c.name());
        assertEquals(labels(WEB), c.labels(), "only corral.dev/ attributes are labels");
    }

    @Test
    void aCreateOfAKnownContainerKeepsWhatIsKnown() {
        known("c1", WEB, "running", Map.of());
        assertEquals(List.of(WEB), events.apply(container("create", "c1", labels(WEB))));
        assertEquals("running", observed.container("c1").orElseThrow().state());
    }

    @Test
    void unmanagedContainersAreNotRecordedNorEnqueued() {
        Map<String, String> none = Map.of("maintainer", "someone");
        assertEquals(List.of(), events.apply(container("create", "x1", none)));
        assertTrue(observed.container("x1").isEmpty());
        for (String action : List.of("die", "start", "destroy", "oom", "kill", "stop")) {
            assertEquals(List.of(), events.apply(container(action, "x1", none)), action);
        }
        assertEquals(0, observed.containerCount());
    }

    @Test
    void oomKillStopAndHealthEnqueueWithoutChangingState() {
        known("c1", WEB, "running", Map.of());
        for (String action : List.of("oom", "kill", "stop", "health_status: unhealthy", "health_status")) {
            assertEquals(List.of(WEB), events.apply(container(action, "c1", labels(WEB))), action);
        }
        assertEquals("running", observed.container("c1").orElseThrow().state());
    }

    @Test
    void otherContainerActionsAreIgnored() {
        known("c1", WEB, "running", Map.of());
        for (String action : List.of("exec_start: sh", "attach", "rename", "top")) {
            assertEquals(List.of(), events.apply(container(action, "c1", labels(WEB))), action);
        }
        assertEquals(List.of(), events.apply(new RuntimeEvent("container", null, "c1", labels(WEB))));
    }

    @Test
    void aClaimedWarmContainersEventsGoToItsRunNotItsPool() {
        Map<String, String> warm = labels(POOL);
        warm.put("corral.dev/pool", "true");
        observed.put(new ObservedContainer("w1", "name-w1", warm, "running"));
        assertEquals(List.of(POOL), events.apply(container("die", "w1", warm)), "unclaimed: the pool's");
        claims.put("w1", RUN);
        assertEquals(List.of(RUN), events.apply(container("die", "w1", warm)));
        assertEquals("exited", observed.container("w1").orElseThrow().state());
    }

    @Test
    void connectAndDisconnectOfOurContainerAreRecordedAndItsOwnerEnqueued() {
        known("c1", WEB, "running", Map.of());
        assertEquals(List.of(WEB), events.apply(network("connect", "n1", NET, "c1")));
        assertEquals(Map.of(NET, "n1"), observed.container("c1").orElseThrow().networks());
        assertEquals(List.of(WEB), events.apply(network("disconnect", "n1", NET, "c1")));
        assertEquals(Map.of(), observed.container("c1").orElseThrow().networks());
    }

    @Test
    void networkEventsOfContainersNotOursAreIgnored() {
        assertEquals(List.of(), events.apply(network("connect", "n9", "bridge", "other")));
        assertEquals(List.of(), events.apply(network("disconnect", "n9", "bridge", "other")));
        assertTrue(observed.container("other").isEmpty());
    }

    @Test
    void aSessionNetworksDestroyForgetsItAndEnqueuesItsSession() {
        observed.put(new ObservedNetwork("n1", NET, labels(S1), "10.0.0.0/24", true));
        assertEquals(List.of(S1), events.apply(network("destroy", "n1", NET, null)));
        assertTrue(observed.network(NET).isEmpty());
    }

    @Test
    void anotherNetworksDestroyEnqueuesNothing() {
        observed.put(new ObservedNetwork("n7", "mine", Map.of(), null, false));
        assertEquals(List.of(), events.apply(network("destroy", "n7", "mine", null)));
        assertTrue(observed.network("mine").isEmpty(), "removed by id all the same");
        assertEquals(List.of(), events.apply(network("destroy", "n8", "corral-session-", null)));
    }

    @Test
    void corralsOwnContainerCutOffANetworkEnqueuesEveryObjectOnIt() {
        engine.self = new SelfContainer("self", Map.of(NET, "n1"), Map.of());
        assertTrue(own.reaches(NET, "n1"));
        known("c1", WEB, "running", Map.of(NET, "n1"));
        known("c2", DB, "running", Map.of(NET, "n1"));
        known("c3", ObjectKey.of(Kind.Relic, "s2", "api"), "running", Map.of("corral-session-s2", "n2"));
        observed.put(new ObservedContainer("x", "stray", Map.of(), "running", Map.of(NET, "n1")));

        List<ObjectKey> keys = events.apply(network("disconnect", "n1", NET, "self"));

        assertEquals(List.of(DB, WEB), keys.stream().sorted().toList());
        assertFalse(own.reaches(NET, "n1"), "joins again before its next probe there");
        assertEquals(Map.of(NET, "n1"), observed.container("c1").orElseThrow().networks(), "ours are still attached");
    }

    @Test
    void corralsOwnContainerJoiningANetworkIsNotOurs() {
        engine.self = new SelfContainer("self", Map.of(), Map.of());
        own.self();
        assertEquals(List.of(), events.apply(network("connect", "n1", NET, "self")));
    }

    @Test
    void aRunIsKnownFromTheStreamOnlyWhenItsStartAndItsDeathWereBothSeen() {
        ObservedContainer web = new ObservedContainer("c1", "corral-relic-s1-web", labels(WEB), "running");
        observed.put(web);
        java.time.Instant t1 = java.time.Instant.parse("2026-12-07T10:00:00Z");
        java.time.Instant t2 = t1.plusSeconds(5);
        Map<String, String> dieAttrs = new HashMap<>(labels(WEB));
        dieAttrs.put("exitCode", "3");
        events.apply(new RuntimeEvent("container", "die", "c1", dieAttrs, t2));
        assertTrue(observed.lastRuns().ended(web).isEmpty(), "its start was before this stream: the engine is asked");

        events.apply(new RuntimeEvent("container", "start", "c1", labels(WEB), t1));
        assertTrue(observed.lastRuns().ended(web).isEmpty(), "running");
        events.apply(new RuntimeEvent("container", "die", "c1", dieAttrs, t2));
        var ended = observed.lastRuns().ended(web).orElseThrow();
        assertEquals(3L, ended.exitCode());
        assertFalse(ended.oomKilled());
        assertEquals(t1, ended.startedAt());
        assertEquals(t2, ended.finishedAt());
        assertFalse(ended.running());

        events.apply(new RuntimeEvent("container", "start", "c1", labels(WEB), t2.plusSeconds(1)));
        assertTrue(observed.lastRuns().ended(web).isEmpty(), "a new run");
        events.apply(new RuntimeEvent("container", "die", "c1", labels(WEB), t2.plusSeconds(2)));
        assertTrue(observed.lastRuns().ended(web).isEmpty(), "a death without an exit code: the engine is asked");

        events.apply(new RuntimeEvent("container", "start", "c1", labels(WEB), t2.plusSeconds(3)));
        events.apply(new RuntimeEvent("container", "die", "c1", dieAttrs, t2.plusSeconds(4)));
        events.apply(new RuntimeEvent("container", "oom", "c1", labels(WEB), t2.plusSeconds(4)));
        assertTrue(observed.lastRuns().ended(web).orElseThrow().oomKilled(), "an oom heard just after the die still counts");
        observed.lastRuns().forget("c1");
        assertTrue(observed.lastRuns().ended(web).isEmpty(), "forgotten before a start: a start that fails emits nothing");

        events.apply(new RuntimeEvent("container", "start", "c1", labels(WEB), t2.plusSeconds(5)));
        observed.lastRuns().forgetUnfinished();
        events.apply(new RuntimeEvent("container", "die", "c1", dieAttrs, t2.plusSeconds(6)));
        assertTrue(observed.lastRuns().ended(web).isEmpty(), "its start was before a gap in the stream: the engine is asked");

        // What the engine said is kept for that run: a die heard after the inspect does not change its times.
        var inspected = new dev.corral.runtime.ContainerDetails("c1", web.name(), web.labels(), false, 3L, false, "boom",
                t2.plusSeconds(5).minusMillis(2), t2.plusSeconds(6).minusMillis(1), Map.of());
        observed.lastRuns().learned(inspected);
        events.apply(new RuntimeEvent("container", "die", "c1", dieAttrs, t2.plusSeconds(6)));
        assertEquals(inspected, observed.lastRuns().ended(web).orElseThrow());
        observed.lastRuns().forgetUnfinished();
        assertEquals(inspected, observed.lastRuns().ended(web).orElseThrow(), "an ended run outlives a gap");
    }
}
