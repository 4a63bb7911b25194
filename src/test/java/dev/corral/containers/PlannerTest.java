package dev.corral.containers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.containers.PlannedAction.CreateContainer;
import dev.corral.containers.PlannedAction.CreateNetwork;
import dev.corral.containers.PlannedAction.CreateVolume;
import dev.corral.containers.PlannedAction.RemoveContainer;
import dev.corral.containers.PlannedAction.RemoveNetwork;
import dev.corral.containers.PlannedAction.PauseContainer;
import dev.corral.containers.PlannedAction.StopContainer;
import dev.corral.loop.ObservedState;
import dev.corral.ownership.Ownership;
import dev.corral.runtime.ContainerDetails;
import dev.corral.runtime.Labels;
import dev.corral.runtime.NetworkRequest;
import dev.corral.runtime.ObservedContainer;
import dev.corral.runtime.ObservedNetwork;
import dev.corral.runtime.ObservedVolume;
import dev.corral.spec.Json;
import dev.corral.spec.Kind;
import dev.corral.spec.Metadata;
import dev.corral.spec.model.Phase;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Golden tests of every planner decision: {@code plan.toString()} is compared to an exact text. */
class PlannerTest {

    static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
    static final PlannerSettings SETTINGS =
            new PlannerSettings(Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofSeconds(10));

    static final String WEB = "corral-relic-s1-web";
    static final String BOT = "corral-agent-bot";
    static final String ID_A = "aaaaaaaaaaaa1111111111111111111111111111111111111111111111111111";
    static final String ID_B = "bbbbbbbbbbbb2222222222222222222222222222222222222222222222222222";
    static final String ID_C = "cccccccccccc3333333333333333333333333333333333333333333333333333";

    // ---- fixtures ----------------------------------------------------------------------------

    static ObjectNode json(String text) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** An object as the store holds it: its spec validated and defaulted. */
    static SpecObject object(Kind kind, String session, String name, String uid, String spec) {
        Metadata md = new Metadata(name, session, null, null, uid, 1L, 1L, null, null, null);
        return new SpecObject(SpecObject.API_VERSION, kind, md, ValidSpecs.defaulted(kind, session, name, json(spec)),
                Json.MAPPER.createObjectNode());
    }

    static DesiredSession session(String ttl, Instant createdAt) {
        Metadata md = new Metadata("s1", null, null, null, "uid-s", 1L, 1L, createdAt, null, "api");
        return DesiredSession.of(new SpecObject(SpecObject.API_VERSION, Kind.Session, md,
                ValidSpecs.defaulted(Kind.Session, null, "s1", json(ttl == null ? "{}" : "{\"ttlSeconds\": " + ttl + "}")),
                Json.MAPPER.createObjectNode()));
    }

    static RemoveContainer removal(Plan p, int i) {
        return (RemoveContainer) p.actions().get(i);
    }

    static DesiredContainer relic(String spec) {
        return ContainerSpecs.desired(object(Kind.Relic, "s1", "web", "uid-1", spec));
    }

    static DesiredContainer plainRelic() {
        return relic("""
                {"image": "nginx:1.27", "port": 80, "volumes": [{"name": "data", "mountPath": "/data"}]}""");
    }

    static DesiredContainer agent(String spec) {
        return ContainerSpecs.desired(object(Kind.Agent, null, "bot", "uid-2", spec));
    }

    /** A container exactly as the desired one would have been created. */
    static ObservedContainer matching(DesiredContainer d, String id, String state) {
        return new ObservedContainer(id, d.name(), d.request().labels(), state);
    }

    static ObservedContainer withLabel(DesiredContainer d, String id, String state, String label, String value) {
        Map<String, String> labels = new HashMap<>(d.request().labels());
        labels.put(label, value);
        return new ObservedContainer(id, d.name(), labels, state);
    }

    static ContainerObservation obs(List<ObservedContainer> owned) {
        return new ContainerObservation(owned, null, true, Set.of("corral-vol-s1-data"));
    }

    static ContainerObservation ended(ObservedContainer c, ContainerDetails details) {
        return new ContainerObservation(List.of(c), details, true, Set.of("corral-vol-s1-data"));
    }

    static ContainerDetails exited(String id, long code, boolean oom, Instant finishedAt) {
        return new ContainerDetails(id, WEB, Map.of(), false, code, oom, null, finishedAt.minusSeconds(3), finishedAt,
                Map.of());
    }

    static Plan plan(DesiredContainer d, ContainerObservation o) {
        return Planner.container(d, o, new RestartState(0), null, NOW, SETTINGS);
    }

    static Plan plan(DesiredContainer d, ContainerObservation o, RestartState crash) {
        return Planner.container(d, o, crash, null, NOW, SETTINGS);
    }

    static Plan plan(DesiredContainer d, ContainerObservation o, ProbeView probe) {
        return Planner.container(d, o, new RestartState(0), probe, NOW, SETTINGS);
    }

    static void golden(String expected, Plan plan) {
        assertEquals(expected, plan.toString());
    }

    // ---- creating ----------------------------------------------------------------------------

    @Nested
    class Creating {

        @Test
        void nothingObservedCreatesVolumeThenContainerThenStarts() {
            Plan p = Planner.container(plainRelic(), new ContainerObservation(List.of(), null, true, Set.of()),
                    new RestartState(0), null, NOW, SETTINGS);
            golden("""
                    #1 CreateVolume corral-vol-s1-data: not found
                    #2 CreateContainer corral-relic-s1-web: not found
                    #3 StartContainer corral-relic-s1-web: created
                    => Creating""", p);
            assertFalse(p.restart());
            assertNull(p.requeueAfter());
            assertTrue(p.actions().get(0) instanceof CreateVolume v && v.labels() instanceof Map<?, ?>,
                    "volume labels travel as payload");
            assertTrue(p.actions().get(1) instanceof CreateContainer c && c.container() instanceof DesiredContainer);
        }

        @Test
        void existingVolumeIsNotCreatedAgain() {
            golden("""
                    #1 CreateContainer corral-relic-s1-web: not found
                    #2 StartContainer corral-relic-s1-web: created
                    => Creating""", plan(plainRelic(), obs(List.of())));
        }

        @Test
        void relicWaitsForItsSessionNetwork() {
            Plan p = Planner.container(plainRelic(), new ContainerObservation(List.of(), null, false, Set.of()),
                    new RestartState(0), null, NOW, SETTINGS);
            golden("=> Pending (waiting for session network corral-session-s1), again in 5000 ms", p);
            assertTrue(p.isEmpty());
            assertEquals(Planner.NETWORK_WAIT, p.requeueAfter());
        }

        @Test
        void relicWaitingForNetworkStillRemovesStaleContainers() {
            DesiredContainer d = plainRelic();
            ObservedContainer stale = withLabel(d, ID_A, "running", Labels.SPEC_HASH, "0000000000000000");
            Plan p = Planner.container(d, new ContainerObservation(List.of(stale), null, false, Set.of()),
                    new RestartState(0), null, NOW, SETTINGS);
            golden("""
                    #1 RemoveContainer corral-relic-s1-web: spec-hash changed
                    => Pending (waiting for session network corral-session-s1), again in 5000 ms""", p);
        }

        @Test
        void agentDoesNotWaitForANetwork() {
            DesiredContainer d = agent("""
                    {"image": "python:3.12", "code": "/srv/agents/bot"}""");
            Plan p = Planner.container(d, new ContainerObservation(List.of(), null, false, Set.of()),
                    new RestartState(0), null, NOW, SETTINGS);
            golden("""
                    #1 CreateContainer corral-agent-bot: not found
                    #2 StartContainer corral-agent-bot: created
                    => Creating""", p);
        }

        @Test
        void stoppedAgentIsCreatedButNotStarted() {
            DesiredContainer d = agent("""
                    {"image": "python:3.12", "state": "Stopped"}""");
            golden("""
                    #1 CreateContainer corral-agent-bot: not found
                    => Stopped (state: Stopped)""", plan(d, obs(List.of())));
        }
    }

    // ---- keeping, replacing and collecting ----------------------------------------------------

    @Nested
    class Matching {

        @Test
        void matchingRunningContainerWithoutHealthIsReady() {
            DesiredContainer d = plainRelic();
            Plan p = plan(d, obs(List.of(matching(d, ID_A, "running"))));
            golden("=> Ready", p);
            assertTrue(p.isEmpty());
            assertNull(p.requeueAfter());
        }

        @Test
        void aRelicPastItsLifetimeIsStoppedForGoodAndOneWithinItLooksAgainWhenItEnds() {
            String spec = "{\"image\": \"nginx:1.27\", \"lifetimeSeconds\": 600}";
            Metadata md = new Metadata("web", "s1", null, null, "uid-1", 1L, 1L, NOW.minusSeconds(600), null, "api");
            DesiredContainer expired = ContainerSpecs.desired(new SpecObject(SpecObject.API_VERSION, Kind.Relic, md,
                    ValidSpecs.defaulted(Kind.Relic, "s1", "web", json(spec)), Json.MAPPER.createObjectNode()));
            Plan stop = plan(expired, obs(List.of(matching(expired, ID_A, "running"))));
            assertEquals(Phase.Stopped, stop.phase());
            assertTrue(stop.message().startsWith("its lifetime ran out at "), stop.message());
            assertTrue(stop.actions().get(0) instanceof StopContainer, stop.toString());
            Plan stays = plan(expired, obs(List.of(matching(expired, ID_A, "exited"))));
            assertEquals(Phase.Stopped, stays.phase());
            assertTrue(stays.isEmpty(), "not restarted: " + stays);

            Metadata young = new Metadata("web", "s1", null, null, "uid-1", 1L, 1L, NOW.minusSeconds(100), null, "api");
            DesiredContainer living = ContainerSpecs.desired(new SpecObject(SpecObject.API_VERSION, Kind.Relic, young,
                    ValidSpecs.defaulted(Kind.Relic, "s1", "web", json(spec)), Json.MAPPER.createObjectNode()));
            Plan ready = plan(living, obs(List.of(matching(living, ID_A, "running"))));
            assertEquals(Phase.Ready, ready.phase());
            assertEquals(java.time.Duration.ofSeconds(500), ready.requeueAfter(), "woken when its lifetime runs out");
            assertEquals(ContainerSpecs.desired(new SpecObject(SpecObject.API_VERSION, Kind.Relic, young,
                    ValidSpecs.defaulted(Kind.Relic, "s1", "web", json("{\"image\": \"nginx:1.27\"}")),
                    Json.MAPPER.createObjectNode())).hash(), living.hash(), "a lifetime does not re-create the container");
        }

        @Test
        void restartingCountsAsRunning() {
            DesiredContainer d = plainRelic();
            golden("=> Ready", plan(d, obs(List.of(matching(d, ID_A, "restarting")))));
        }

        @Test
        void specHashChangedRecreates() {
            DesiredContainer d = plainRelic();
            ObservedContainer old = withLabel(d, ID_A, "running", Labels.SPEC_HASH, "0000000000000000");
            Plan p = plan(d, obs(List.of(old)));
            golden("""
                    #1 RemoveContainer corral-relic-s1-web: spec-hash changed
                    #2 CreateContainer corral-relic-s1-web: spec-hash changed
                    #3 StartContainer corral-relic-s1-web: created
                    => Creating""", p);
            assertEquals(ID_A, removal(p, 0).containerId());
        }

        @Test
        void containerOfAnotherUidIsRemoved() {
            DesiredContainer d = plainRelic();
            ObservedContainer old = withLabel(d, ID_A, "running", Labels.UID, "uid-0");
            golden("""
                    #1 RemoveContainer corral-relic-s1-web: left by an earlier object of the same name
                    #2 CreateContainer corral-relic-s1-web: left by an earlier object of the same name
                    #3 StartContainer corral-relic-s1-web: created
                    => Creating""", plan(d, obs(List.of(old))));
        }

        @Test
        void containerWithoutUidLabelIsAdopted() {
            DesiredContainer d = plainRelic();
            Map<String, String> labels = new HashMap<>(d.request().labels());
            labels.remove(Labels.UID);
            golden("=> Ready", plan(d, obs(List.of(new ObservedContainer(ID_A, d.name(), labels, "running")))));
        }

        @Test
        void duplicateIsRemovedAndFirstKept() {
            DesiredContainer d = plainRelic();
            Plan p = plan(d, obs(List.of(matching(d, ID_A, "running"), matching(d, ID_B, "running"))));
            golden("""
                    #1 RemoveContainer corral-relic-s1-web: duplicate of aaaaaaaaaaaa
                    => Ready""", p);
            assertEquals(ID_B, removal(p, 0).containerId());
        }

        @Test
        void unexpectedNameIsRemoved() {
            DesiredContainer d = plainRelic();
            ObservedContainer odd = new ObservedContainer(ID_B, "corral-relic-s1-web-old", d.request().labels(),
                    "exited");
            golden("""
                    #1 RemoveContainer corral-relic-s1-web-old: unexpected name corral-relic-s1-web-old
                    => Ready""", plan(d, obs(List.of(matching(d, ID_A, "running"), odd))));
        }

        @Test
        void deadContainerIsReplaced() {
            DesiredContainer d = plainRelic();
            golden("""
                    #1 RemoveContainer corral-relic-s1-web: container is dead
                    #2 CreateContainer corral-relic-s1-web: container is dead
                    #3 StartContainer corral-relic-s1-web: created
                    => Creating""", plan(d, obs(List.of(matching(d, ID_A, "dead")))));
        }

        @Test
        void createdButNeverStartedIsStarted() {
            DesiredContainer d = plainRelic();
            Plan p = plan(d, obs(List.of(matching(d, ID_A, "created"))));
            golden("""
                    #1 StartContainer corral-relic-s1-web: created but never started
                    => Starting""", p);
            assertFalse(p.restart(), "a first start is not a restart");
        }

        @Test
        void desiredNullRemovesEverything() {
            DesiredContainer d = plainRelic();
            Plan p = Planner.container(null, new ContainerObservation(
                            List.of(matching(d, ID_A, "running"),
                                    new ObservedContainer(ID_B, "corral-relic-s1-web-x", d.request().labels(), "exited")),
                            null, true, Set.of()),
                    null, null, NOW, SETTINGS);
            golden("""
                    #1 RemoveContainer corral-relic-s1-web: no spec wants it
                    #1 RemoveContainer corral-relic-s1-web-x: no spec wants it
                    => Terminating""", p);
        }

        @Test
        void desiredNullWithNothingLeftIsAnEmptyTermination() {
            Plan p = Planner.container(null, new ContainerObservation(List.of(), null, true, Set.of()),
                    null, null, NOW, SETTINGS);
            golden("=> Terminating", p);
            assertTrue(p.isEmpty());
        }
    }

    // ---- agent state ------------------------------------------------------------------------

    @Nested
    class AgentState {

        static final String STOPPED = """
                {"image": "python:3.12", "state": "Stopped"}""";

        @Test
        void stoppedWhileRunningIsStopped() {
            DesiredContainer d = agent(STOPPED);
            Plan p = plan(d, obs(List.of(matching(d, ID_A, "running"))));
            golden("""
                    #1 StopContainer corral-agent-bot: state: Stopped
                    => Stopped (state: Stopped)""", p);
            assertEquals(ID_A, ((StopContainer) p.actions().get(0)).containerId());
        }

        @Test
        void stoppedAndExitedStaysStopped() {
            DesiredContainer d = agent(STOPPED);
            golden("=> Stopped (state: Stopped)", plan(d, ended(matching(d, ID_A, "exited"),
                    exited(ID_A, 0, false, NOW.minusSeconds(5)))));
        }

        @Test
        void startedAgainAfterAStopItIsStartedNotRestarted() {
            DesiredContainer d = agent("{\"image\": \"python:3.12\"}");
            ObservedContainer c = matching(d, ID_A, "exited");
            ContainerDetails details = exited(ID_A, 143, false, NOW.minusSeconds(1));
            Plan p = plan(d, new ContainerObservation(List.of(c), details, true, Set.of(), null, List.of(), true),
                    new RestartState(3));
            golden("""
                    #1 StartContainer corral-agent-bot: state: Running
                    => Starting""", p);
            assertFalse(p.restart(), "not counted among the restarts, and no crash backoff");
        }

        static final String PAUSED = """
                {"image": "python:3.12", "state": "Paused"}""";

        @Test
        void pausedWhileRunningIsPausedAndThenLeftSo() {
            DesiredContainer d = agent(PAUSED);
            Plan p = plan(d, obs(List.of(matching(d, ID_A, "running"))));
            golden("""
                    #1 PauseContainer corral-agent-bot: state: Paused
                    => Paused (state: Paused)""", p);
            assertEquals(ID_A, ((PauseContainer) p.actions().get(0)).containerId());
            golden("=> Paused (state: Paused)", plan(d, obs(List.of(matching(d, ID_A, "paused")))));
        }

        @Test
        void runningAgainUnpausesAndReadinessFollowsTheProbe() {
            golden("""
                    #1 UnpauseContainer corral-agent-bot: state: Running
                    => Ready""", plan(agent("{\"image\": \"python:3.12\"}"),
                    obs(List.of(matching(agent(PAUSED), ID_A, "paused")))));
            DesiredContainer probed = agent("{\"image\": \"python:3.12\", \"health\": {\"exec\": {\"command\": [\"true\"]}}}");
            golden("""
                    #1 UnpauseContainer corral-agent-bot: state: Running
                    => Starting (waiting for the first health probe)""",
                    plan(probed, obs(List.of(matching(probed, ID_A, "paused")))));
        }

        @Test
        void stoppedWhilePausedIsThawedThenStopped() {
            DesiredContainer d = agent(STOPPED);
            golden("""
                    #1 UnpauseContainer corral-agent-bot: state: Stopped
                    #2 StopContainer corral-agent-bot: state: Stopped
                    => Stopped (state: Stopped)""", plan(d, obs(List.of(matching(d, ID_A, "paused")))));
        }

        @Test
        void pausedWithNothingYetIsCreatedAndStartedFirst() {
            golden("""
                    #1 CreateContainer corral-agent-bot: not found
                    #2 StartContainer corral-agent-bot: created
                    => Creating""", plan(agent(PAUSED), obs(List.of())));
        }
    }

    // ---- ended containers and restart policies -----------------------------------------------

    @Nested
    class Ended {

        DesiredContainer withPolicy(String policy) {
            return relic("{\"image\": \"busybox\", \"restartPolicy\": \"" + policy + "\"}");
        }

        Plan endedPlan(DesiredContainer d, long code, boolean oom, int crashes) {
            return plan(d, ended(matching(d, ID_A, "exited"), exited(ID_A, code, oom, NOW.minusSeconds(5))),
                    new RestartState(crashes));
        }

        @Test
        void alwaysFirstCrashRestartsAtOnce() {
            Plan p = endedPlan(withPolicy("Always"), 1, false, 1);
            golden("""
                    #1 StartContainer corral-relic-s1-web: exited with code 1; restartPolicy Always
                    => Starting (restarted: exited with code 1)""", p);
            assertTrue(p.restart());
            assertNull(p.requeueAfter());
        }

        @Test
        void defaultPolicyIsAlwaysAndRestartsCleanExits() {
            Plan p = endedPlan(relic("{\"image\": \"busybox\"}"), 0, false, 1);
            golden("""
                    #1 StartContainer corral-relic-s1-web: exited with code 0; restartPolicy Always
                    => Starting (restarted: exited with code 0)""", p);
            assertTrue(p.restart());
        }

        @Test
        void thirdCrashBacksOff() {
            // crash 3 -> 2 * base = 20 s after it finished (5 s ago): 15 s to go
            Plan p = endedPlan(withPolicy("Always"), 1, false, 3);
            golden("=> CrashLoopBackOff (exited with code 1; restarting in 15 s (crash 3 in a row)), again in 15000 ms",
                    p);
            assertTrue(p.isEmpty());
            assertFalse(p.restart());
            assertEquals(Duration.ofSeconds(15), p.requeueAfter());
        }

        @Test
        void backoffOverRestartsOnceDelayHasPassed() {
            DesiredContainer d = withPolicy("Always");
            Plan p = plan(d, ended(matching(d, ID_A, "exited"), exited(ID_A, 2, false, NOW.minusSeconds(20))),
                    new RestartState(3));
            golden("""
                    #1 StartContainer corral-relic-s1-web: exited with code 2; restartPolicy Always
                    => Starting (restarted: exited with code 2)""", p);
            assertTrue(p.restart());
        }

        @Test
        void backoffIsCappedAtMax() {
            DesiredContainer d = withPolicy("Always");
            Plan p = plan(d, ended(matching(d, ID_A, "exited"), exited(ID_A, 1, false, NOW)), new RestartState(50));
            golden("=> CrashLoopBackOff (exited with code 1; restarting in 300 s (crash 50 in a row)), again in 300000 ms",
                    p);
        }

        @Test
        void pastMaxRestartsSinceTheSpecChangedItIsFailedAndNotRestarted() {
            DesiredContainer d = relic("{\"image\": \"busybox\", \"maxRestarts\": 2}");
            ContainerObservation o = ended(matching(d, ID_A, "exited"), exited(ID_A, 1, false, NOW.minusSeconds(5)));
            golden("=> Failed (exited with code 1; restarted 2 times since its spec last changed, maxRestarts 2"
                    + " (a change of the spec starts over))", plan(d, o, new RestartState(3, 2)));
            golden("""
                    #1 StartContainer corral-relic-s1-web: exited with code 1; restartPolicy Always
                    => Starting (restarted: exited with code 1)""", plan(d, o, new RestartState(1, 1)));
            assertFalse(plan(relic("{\"image\": \"busybox\", \"maxRestarts\": 0}"), o, new RestartState(1, 0)).restart(),
                    "maxRestarts 0: never restarted");
        }

        @Test
        void neverWithExitZeroIsStopped() {
            Plan p = endedPlan(withPolicy("Never"), 0, false, 1);
            golden("=> Stopped (exited with code 0; restartPolicy Never)", p);
            assertFalse(p.restart());
        }

        @Test
        void neverWithExitOneIsFailed() {
            golden("=> Failed (exited with code 1; restartPolicy Never)", endedPlan(withPolicy("Never"), 1, false, 1));
        }

        @Test
        void onFailureWithExitZeroIsStopped() {
            golden("=> Stopped (exited with code 0; restartPolicy OnFailure)",
                    endedPlan(withPolicy("OnFailure"), 0, false, 1));
        }

        @Test
        void onFailureWithExitOneRestarts() {
            Plan p = endedPlan(withPolicy("OnFailure"), 1, false, 1);
            golden("""
                    #1 StartContainer corral-relic-s1-web: exited with code 1; restartPolicy OnFailure
                    => Starting (restarted: exited with code 1)""", p);
            assertTrue(p.restart());
        }

        @Test
        void oomKilledUnderNeverIsFailed() {
            golden("=> Failed (OOM-killed; restartPolicy Never)", endedPlan(withPolicy("Never"), 137, true, 1));
        }

        @Test
        void oomKilledWithExitZeroStillCountsAsFailure() {
            Plan p = endedPlan(withPolicy("OnFailure"), 0, true, 1);
            golden("""
                    #1 StartContainer corral-relic-s1-web: OOM-killed; restartPolicy OnFailure
                    => Starting (restarted: OOM-killed)""", p);
        }

        @Test
        void oomKilledUnderAlwaysBacksOffLikeAnyCrash() {
            golden("=> CrashLoopBackOff (OOM-killed; restarting in 5 s (crash 2 in a row)), again in 5000 ms",
                    endedPlan(withPolicy("Always"), 137, true, 2));
        }

        @Test
        void missingDetailsCountAsAFailedExit() {
            DesiredContainer d = withPolicy("Never");
            golden("=> Failed (exited; restartPolicy Never)",
                    plan(d, ended(matching(d, ID_A, "exited"), null), new RestartState(1)));
        }
    }

    // ---- health ------------------------------------------------------------------------------

    @Nested
    class Health {

        DesiredContainer healthy() {
            return relic("""
                    {"image": "nginx", "port": 80,
                     "health": {"http": {"path": "/healthz", "port": 80}, "failureThreshold": 3,
                                "startupTimeoutSeconds": 60}}""");
        }

        Plan running(ProbeView probe) {
            DesiredContainer d = healthy();
            return plan(d, obs(List.of(matching(d, ID_A, "running"))), probe);
        }

        @Test
        void noProbeYetIsStarting() {
            golden("=> Starting (waiting for the first health probe)", running(null));
        }

        @Test
        void probeOfAnotherContainerIsIgnored() {
            golden("=> Starting (waiting for the first health probe)",
                    running(new ProbeView(ID_B, NOW.minusSeconds(100), true, 0, null)));
        }

        @Test
        void probePassedIsReady() {
            Plan p = running(new ProbeView(ID_A, NOW.minusSeconds(30), true, 0, null));
            golden("=> Ready", p);
            assertTrue(p.isEmpty());
        }

        @Test
        void failuresBelowThresholdAreUnhealthy() {
            Plan p = running(new ProbeView(ID_A, NOW.minusSeconds(30), true, 2, "HTTP 500"));
            golden("=> Unhealthy (HTTP 500)", p);
            assertTrue(p.isEmpty());
        }

        @Test
        void failuresAtThresholdStopTheContainer() {
            Plan p = running(new ProbeView(ID_A, NOW.minusSeconds(30), true, 3, "HTTP 500"));
            golden("""
                    #1 StopContainer corral-relic-s1-web: health probe failed 3 times: HTTP 500
                    => Unhealthy (restarting: HTTP 500)""", p);
            assertEquals(ID_A, ((StopContainer) p.actions().get(0)).containerId());
        }

        @Test
        void defaultThresholdIsThree() {
            DesiredContainer d = relic("""
                    {"image": "nginx", "health": {"http": {"path": "/", "port": 80}}}""");
            ContainerObservation o = obs(List.of(matching(d, ID_A, "running")));
            golden("=> Unhealthy (HTTP 503)", plan(d, o, new ProbeView(ID_A, NOW, true, 2, "HTTP 503")));
            golden("""
                    #1 StopContainer corral-relic-s1-web: health probe failed 3 times: HTTP 503
                    => Unhealthy (restarting: HTTP 503)""", plan(d, o, new ProbeView(ID_A, NOW, true, 3, "HTTP 503")));
        }

        @Test
        void notYetPassedWithinStartupTimeoutWaits() {
            Plan p = running(new ProbeView(ID_A, NOW.minusSeconds(20), false, 4, "connection refused"));
            golden("=> Starting (connection refused), again in 40000 ms", p);
        }

        @Test
        void notYetProbedWithinStartupTimeoutWaits() {
            golden("=> Starting (waiting for the health probe to pass), again in 60000 ms",
                    running(new ProbeView(ID_A, NOW, false, 0, null)));
        }

        @Test
        void startupTimeoutExceededStopsTheContainer() {
            Plan p = running(new ProbeView(ID_A, NOW.minusSeconds(61), false, 9, "connection refused"));
            golden("""
                    #1 StopContainer corral-relic-s1-web: not healthy within startupTimeoutSeconds (60): connection refused
                    => Unhealthy (never became healthy; restarting)""", p);
        }

        @Test
        void startupTimeoutExactlyReachedStopsWithoutMessage() {
            golden("""
                    #1 StopContainer corral-relic-s1-web: not healthy within startupTimeoutSeconds (60)
                    => Unhealthy (never became healthy; restarting)""",
                    running(new ProbeView(ID_A, NOW.minusSeconds(60), false, 0, null)));
        }
    }

    // ---- sessions ----------------------------------------------------------------------------

    @Nested
    class Sessions {

        final NetworkRequest want = new NetworkRequest("corral-session-s1", true, "10.213.0.0/26",
                Ownership.network("s1", "uid-s", "10.213.0.0/26"));

        @Test
        void missingNetworkIsCreated() {
            Plan p = Planner.session(session(null, null), SessionObservation.wanted(null, "10.213.0.0/26"), NOW);
            golden("""
                    #1 CreateNetwork corral-session-s1: not found
                    => Ready (network corral-session-s1 (10.213.0.0/26))""", p);
            assertEquals(want, ((CreateNetwork) p.actions().get(0)).request());
        }

        @Test
        void existingNetworkIsReady() {
            ObservedNetwork n = new ObservedNetwork("n1", "corral-session-s1", want.labels(), "10.213.0.0/26", true);
            Plan p = Planner.session(session(null, null), SessionObservation.wanted(n, null), NOW);
            golden("=> Ready (network corral-session-s1 (10.213.0.0/26))", p);
            assertTrue(p.isEmpty());
        }

        @Test
        void existingNetworkWithoutSubnet() {
            ObservedNetwork n = new ObservedNetwork("n1", "corral-session-s1", want.labels(), null, true);
            golden("=> Ready (network corral-session-s1)", Planner.session(session(null, null), SessionObservation.wanted(n, null), NOW));
        }

        @Test
        void poolExhaustedIsPending() {
            Plan p = Planner.session(session(null, null), SessionObservation.wanted(null, null), NOW);
            golden("=> Pending (NetworkPoolExhausted: no free subnet in the session network pool), again in 30000 ms", p);
            assertTrue(p.isEmpty());
        }

        @Test
        void goneSessionRemovesContainersThenVolumesThenNetwork() {
            ObservedNetwork n = new ObservedNetwork("n1", "corral-session-s1", want.labels(), "10.213.0.0/26", true);
            List<ObservedContainer> cs = List.of(
                    new ObservedContainer(ID_A, "corral-relic-s1-db", Map.of(), "running"),
                    new ObservedContainer(ID_B, "corral-relic-s1-web", Map.of(), "exited"));
            List<ObservedVolume> vs = List.of(new ObservedVolume("corral-vol-s1-data", Map.of()),
                    new ObservedVolume("corral-vol-s1-logs", Map.of()));
            Plan p = Planner.session(null, new SessionObservation(n, null, cs, vs), NOW);
            golden("""
                    #1 RemoveContainer corral-relic-s1-db: session deleted
                    #1 RemoveContainer corral-relic-s1-web: session deleted
                    #2 RemoveVolume corral-vol-s1-data: session deleted
                    #2 RemoveVolume corral-vol-s1-logs: session deleted
                    #3 RemoveNetwork corral-session-s1: session deleted
                    => Terminating""", p);
            assertEquals(3, p.stages().size());
            assertEquals("n1", ((RemoveNetwork) p.actions().get(4)).networkId());
        }

        @Test
        void goneSessionWithOnlyANetworkLeft() {
            ObservedNetwork n = new ObservedNetwork("n1", "corral-session-s1", want.labels(), "10.213.0.0/26", true);
            golden("""
                    #1 RemoveNetwork corral-session-s1: session deleted
                    => Terminating""", Planner.session(null, new SessionObservation(n, null, List.of(), List.of()), NOW));
        }

        @Test
        void goneSessionWithNothingLeft() {
            golden("=> Terminating", Planner.session(null, new SessionObservation(null, null, List.of(), List.of()), NOW));
        }

        @Test
        void networkLabels() {
            assertEquals(Map.of(Labels.MANAGED, "true", Labels.KIND, "Session", Labels.NAME, "s1",
                            Labels.SESSION, "s1", Labels.UID, "u", Labels.SUBNET, "10.0.0.0/26"),
                    Ownership.network("s1", "u", "10.0.0.0/26"));
            assertEquals(Map.of(Labels.MANAGED, "true", Labels.KIND, "Session", Labels.NAME, "s1",
                    Labels.SESSION, "s1"), Ownership.network("s1", null, null));
        }
    }

    // ---- stability ---------------------------------------------------------------------------

    @Nested
    class Stability {

        @Test
        void sameInputsGiveIdenticalText() {
            for (int i = 0; i < 3; i++) {
                DesiredContainer d = plainRelic();
                ObservedContainer old = withLabel(d, ID_A, "running", Labels.SPEC_HASH, "0000000000000000");
                golden("""
                        #1 RemoveContainer corral-relic-s1-web: spec-hash changed
                        #2 CreateVolume corral-vol-s1-data: not found
                        #3 CreateContainer corral-relic-s1-web: spec-hash changed
                        #4 StartContainer corral-relic-s1-web: created
                        => Creating""", Planner.container(d, new ContainerObservation(List.of(old), null, true, Set.of()),
                        new RestartState(0), null, NOW, SETTINGS));
            }
        }

        @Test
        void containerPlanDoesNotDependOnObservedOrder() {
            DesiredContainer d = plainRelic();
            ObjectKey key = d.key();
            List<ObservedContainer> all = new ArrayList<>(List.of(
                    matching(d, ID_C, "running"), matching(d, ID_A, "running"), matching(d, ID_B, "exited"),
                    new ObservedContainer("dddddddddddd4444", "corral-relic-s1-web-2", d.request().labels(), "exited")));
            String expected = """
                    #1 RemoveContainer corral-relic-s1-web: duplicate of aaaaaaaaaaaa
                    #1 RemoveContainer corral-relic-s1-web: duplicate of aaaaaaaaaaaa
                    #1 RemoveContainer corral-relic-s1-web-2: unexpected name corral-relic-s1-web-2
                    => Ready""";
            for (int seed = 0; seed < 10; seed++) {
                Collections.shuffle(all, new java.util.Random(seed));
                ObservedState state = new ObservedState();
                state.replace(ObservedState.stamp(), all, List.of(), List.of());
                List<ObservedContainer> owned = state.containersOf(key);
                Plan p = plan(d, obs(owned));
                golden(expected, p);
                assertEquals(List.of(ID_B, ID_C, "dddddddddddd4444"), p.actions().stream().map(a -> ((RemoveContainer) a).containerId()).toList());
                golden("""
                        #1 RemoveContainer corral-relic-s1-web: no spec wants it
                        #1 RemoveContainer corral-relic-s1-web: no spec wants it
                        #1 RemoveContainer corral-relic-s1-web: no spec wants it
                        #1 RemoveContainer corral-relic-s1-web-2: no spec wants it
                        => Terminating""", Planner.container(null, obs(owned), null, null, NOW, SETTINGS));
            }
        }

        @Test
        void sessionPlanDoesNotDependOnObservedOrder() {
            Map<String, String> relicLabels = Map.of(Labels.MANAGED, "true", Labels.KIND, "Relic",
                    Labels.NAME, "x", Labels.SESSION, "s1");
            Map<String, String> volLabels = Map.of(Labels.MANAGED, "true", Labels.KIND, "Session",
                    Labels.NAME, "x", Labels.SESSION, "s1");
            List<ObservedContainer> cs = new ArrayList<>(List.of(
                    new ObservedContainer("c1", "corral-relic-s1-c", relicLabels, "running"),
                    new ObservedContainer("c2", "corral-relic-s1-a", relicLabels, "running"),
                    new ObservedContainer("c3", "corral-relic-s1-b", relicLabels, "running"),
                    new ObservedContainer("c4", "corral-relic-s2-a",
                            Map.of(Labels.MANAGED, "true", Labels.KIND, "Relic", Labels.NAME, "a",
                                    Labels.SESSION, "s2"), "running")));
            List<ObservedVolume> vs = new ArrayList<>(List.of(
                    new ObservedVolume("corral-vol-s1-z", volLabels),
                    new ObservedVolume("corral-vol-s1-m", volLabels),
                    new ObservedVolume("corral-vol-agent-bot-a",
                            Map.of(Labels.MANAGED, "true", Labels.KIND, "Agent", Labels.NAME, "bot",
                                    Labels.SESSION, "s1"))));
            String expected = """
                    #1 RemoveContainer corral-relic-s1-a: session deleted
                    #1 RemoveContainer corral-relic-s1-b: session deleted
                    #1 RemoveContainer corral-relic-s1-c: session deleted
                    #2 RemoveVolume corral-vol-s1-m: session deleted
                    #2 RemoveVolume corral-vol-s1-z: session deleted
                    => Terminating""";
            for (int seed = 0; seed < 10; seed++) {
                Collections.shuffle(cs, new java.util.Random(seed));
                Collections.shuffle(vs, new java.util.Random(seed + 100));
                ObservedState state = new ObservedState();
                state.replace(ObservedState.stamp(), cs, List.of(), vs);
                golden(expected, Planner.session(null, new SessionObservation(null, null,
                        state.containersInSession("s1"), state.volumesInSession("s1")), NOW));
            }
        }
    }
}
