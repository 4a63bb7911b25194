package dev.corral.runs;

import dev.corral.config.CorralConfig;
import dev.corral.runtime.ContainerDetails;
import dev.corral.runtime.ImageUnavailableException;
import dev.corral.runtime.ObservedContainer;
import dev.corral.spec.model.RunPhase;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.corral.runs.RunFixtures.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Golden tests of every run planner decision: {@code step.toString()} is compared to an exact text. */
class RunPlannerTest {

    static final RunPlanner PLANNER = new RunPlanner(60);
    static final CorralConfig.Runs POOLED = RunFixtures.config(1, 4);
    static final CorralConfig.Runs UNPOOLED = RunFixtures.config(0, 4);

    static final RunContainers.RunSetup BASH = RunFixtures.setup(RunFixtures.run("r1",
            "{\"language\": \"bash\", \"code\": \"echo hi\"}"), POOLED);

    // ---- fixtures ----------------------------------------------------------------------------

    static ObservedContainer container(String id, String state) {
        return new ObservedContainer(id, "corral-toolrun-r1", Map.of(), state);
    }

    static RunStatus status(RunPhase phase) {
        return new RunStatus(phase, null, null, null, null, null, false, null);
    }

    /** Running since {@code startedSecondsAgo}, with a 60 s timeout; {@code pooled}: in warm container w1. */
    static RunStatus running(long startedSecondsAgo, boolean pooled) {
        return new RunStatus(RunPhase.RUNNING, NOW.minusSeconds(startedSecondsAgo), null, 60L, 3600L,
                pooled ? "w1" : "c1", pooled, null);
    }

    static RunStatus finished(long finishedSecondsAgo, Long ttl) {
        Instant end = NOW.minusSeconds(finishedSecondsAgo);
        return new RunStatus(RunPhase.SUCCEEDED, end.minusSeconds(1), end, 60L, ttl, null, false, null);
    }

    static RunObservation seen(RunStatus status, ObservedContainer... owned) {
        return RunObservation.of(false, status, false, List.of(owned), List.of(), NOW);
    }

    static RunObservation cancelled(RunStatus status, ObservedContainer... owned) {
        return RunObservation.of(false, status, true, List.of(owned), List.of(), NOW);
    }

    static ContainerDetails details(Instant startedAt, boolean running) {
        return new ContainerDetails("c1", "corral-toolrun-r1", Map.of(), running, null, false, null, startedAt, null,
                Map.of());
    }

    static RunObservation.Setup ready(RunContainers.RunSetup setup) {
        return new RunObservation.Setup.Ready(setup);
    }

    static void golden(String expected, RunObservation o) {
        assertEquals(expected, PLANNER.plan(o).toString());
    }

    // ---- gone and finished -------------------------------------------------------------------

    @Nested
    class Gone {
        @Test
        void aDeletedRunsContainersAndUnseenClaimsAreGarbage() {
            golden("RemoveGarbage [c1, w2]", RunObservation.of(true, RunStatus.NONE, false,
                    List.of(container("c1", "running")), List.of("w2"), NOW));
        }

        @Test
        void aDeletedRunWithNothingLeftStillFreesItsSlot() {
            golden("RemoveGarbage []", RunObservation.of(true, RunStatus.NONE, false, List.of(), List.of(), NOW));
        }
    }

    @Nested
    class Finished {
        @Test
        void itsLeftoverContainersAreDiscardedFirst() {
            golden("Discard [c1]: its run has finished", seen(finished(10, 3600L), container("c1", "exited")));
        }

        @Test
        void aKeptContainerStaysUntilTheRunExpiresAndGoesWithIt() {
            ObservedContainer kept = container("c1", "exited");
            golden("Wait 3590000 ms", RunObservation.of(false, finished(10, 3600L), false, true, List.of(kept), List.of(), NOW));
            golden("Expire", RunObservation.of(false, finished(3600, 3600L), false, true, List.of(kept), List.of(), NOW));
            golden("RemoveGarbage [c1]", RunObservation.of(true, RunStatus.NONE, false, true, List.of(kept), List.of(), NOW));
        }

        @Test
        void itsRecordWaitsForItsTtl() {
            golden("Wait 3590000 ms", seen(finished(10, 3600L)));
        }

        @Test
        void itsRecordExpiresAtItsTtl() {
            golden("Expire", seen(finished(3600, 3600L)));
        }

        @Test
        void aStatusWithoutTtlKeepsItAnHour() {
            golden("Wait 3599000 ms", seen(finished(1, null)));
        }
    }

    // ---- not started -------------------------------------------------------------------------

    @Nested
    class NotStarted {
        @Test
        void aRunRecordedRunningWhoseContainerIsGoneFailsAndIsNeverStartedTwice() {
            golden("Finish Failed (its container disappeared before its result was collected)",
                    seen(running(5, false)).with(new RunObservation.Inspection(null)));
        }

        @Test
        void aRunningRunsContainerMissingFromThePictureIsGoneOnlyOnTheEnginesWord() {
            golden("Observe ENGINE", seen(running(5, false)));
            golden("Reinstate c1 as running", seen(running(5, false)).with(new RunObservation.Inspection(details(NOW, true))));
            golden("Reinstate c1 as exited", seen(running(5, false)).with(new RunObservation.Inspection(details(NOW, false))));
        }

        @Test
        void aCancelBeforeTheStartEndsIt() {
            golden("Finish Cancelled (cancelled before it started)", cancelled(status(RunPhase.PENDING)));
        }

        @Test
        void aNewRunAsksForASlot() {
            golden("Observe SLOT", seen(RunStatus.NONE));
        }

        @Test
        void noFreeSlotRecordsPendingOnce() {
            golden("WaitForSlot, recorded Pending", seen(RunStatus.NONE).with(RunObservation.Slot.FULL));
            golden("WaitForSlot", seen(status(RunPhase.PENDING)).with(RunObservation.Slot.FULL));
        }

        @Test
        void aSlotThenItsSetup() {
            golden("Observe SETUP", seen(RunStatus.NONE).with(RunObservation.Slot.FREE));
        }

        @Test
        void aSetupThatCannotBeMadeFailsTheRun() {
            golden("Finish Failed (Tool \"t\" does not exist)", seen(RunStatus.NONE).with(RunObservation.Slot.FREE)
                    .with(new RunObservation.Setup.Refused("Tool \"t\" does not exist", null)));
        }

        @Test
        void anImageThatMayBePulledLaterBacksOff() {
            golden("BackOff (pull failed)", seen(RunStatus.NONE).with(RunObservation.Slot.FREE)
                    .with(new RunObservation.Setup.Refused("pull failed",
                            new ImageUnavailableException("pull failed", true, null))));
        }

        @Test
        void aPooledShapeAsksForAWarmContainer() {
            golden("Observe WARM", seen(RunStatus.NONE).with(RunObservation.Slot.FREE).with(ready(BASH)));
        }

        @Test
        void aClaimedWarmContainerStartsItWarm() {
            golden("StartWarm w1 of @bash", seen(RunStatus.NONE).with(RunObservation.Slot.FREE).with(ready(BASH))
                    .with(new RunObservation.WarmClaim("w1")));
        }

        @Test
        void noIdleWarmContainerStartsItCold() {
            golden("StartCold corral-toolrun-r1", seen(RunStatus.NONE).with(RunObservation.Slot.FREE)
                    .with(ready(BASH)).with(new RunObservation.WarmClaim(null)));
        }

        @Test
        void noPoolStartsItColdWithoutAsking() {
            RunContainers.RunSetup cold = RunFixtures.setup(RunFixtures.run("r1",
                    "{\"language\": \"bash\", \"code\": \"echo hi\"}"), UNPOOLED);
            golden("StartCold corral-toolrun-r1", seen(RunStatus.NONE).with(RunObservation.Slot.FREE).with(ready(cold)));
        }

        /** A Swarm node's pools (corral.engine.node-engines): warm or not at all, the run then a Swarm job. */
        @Test
        void aNodesPlannerDeclinesWhatItCannotStartWarm() {
            RunPlanner node = new RunPlanner(60, false);
            assertEquals("StartWarm w1 of @bash", node.plan(seen(RunStatus.NONE).with(RunObservation.Slot.FREE)
                    .with(ready(BASH)).with(new RunObservation.WarmClaim("w1"))).toString());
            assertEquals("Decline", node.plan(seen(RunStatus.NONE).with(RunObservation.Slot.FREE).with(ready(BASH))
                    .with(new RunObservation.WarmClaim(null))).toString(), "no idle container");
            assertEquals("Decline", node.plan(seen(RunStatus.NONE).with(RunObservation.Slot.FULL)).toString(),
                    "no slot: not waited for, never recorded Pending");
            assertEquals("Decline", node.plan(seen(RunStatus.NONE).with(RunObservation.Slot.FREE)
                    .with(new RunObservation.Setup.Refused("no such image here", null))).toString(),
                    "this engine cannot: the job path decides");
            RunContainers.RunSetup cold = RunFixtures.setup(RunFixtures.run("r1",
                    "{\"language\": \"bash\", \"code\": \"echo hi\"}"), UNPOOLED);
            assertEquals("Decline", node.plan(seen(RunStatus.NONE).with(RunObservation.Slot.FREE).with(ready(cold))).toString());
            assertEquals("Finish Cancelled (cancelled before it started)",
                    node.plan(cancelled(status(RunPhase.PENDING))).toString());
        }

        @Test
        void inputsWithANulByteStartColdEvenWithAPool() {
            RunContainers.RunSetup binary = RunFixtures.setup(RunFixtures.run("r1",
                    "{\"language\": \"bash\", \"code\": \"echo \\u0000\"}"), POOLED);
            golden("StartCold corral-toolrun-r1", seen(RunStatus.NONE).with(RunObservation.Slot.FREE)
                    .with(ready(binary)));
        }
    }

    // ---- created, never seen running ---------------------------------------------------------

    @Nested
    class Created {
        @Test
        void notRecordedRunningItIsThrownAwayAndTheRunStartsAfresh() {
            golden("Discard [c1]: created, and not recorded as started: its inputs may be incomplete",
                    seen(status(RunPhase.PENDING), container("c1", "created")));
        }

        @Test
        void recordedRunningOnlyTheEngineKnowsWhetherItRan() {
            golden("Observe ENGINE", seen(running(1, false), container("c1", "created")));
        }

        @Test
        void goneOnTheEngine() {
            golden("Reobserve c1 as gone", seen(running(1, false), container("c1", "created"))
                    .with(new RunObservation.Inspection(null)));
        }

        @Test
        void startedAlreadyItIsNeverStartedAgain() {
            golden("Reobserve c1 as running", seen(running(1, false), container("c1", "created"))
                    .with(new RunObservation.Inspection(details(NOW, true))));
            golden("Reobserve c1 as exited", seen(running(1, false), container("c1", "created"))
                    .with(new RunObservation.Inspection(details(NOW, false))));
        }

        @Test
        void neverStartedItIsResumed() {
            golden("Resume c1", seen(running(1, false), container("c1", "created"))
                    .with(new RunObservation.Inspection(details(null, false))));
        }
    }

    // ---- running -----------------------------------------------------------------------------

    @Nested
    class Running {
        @Test
        void itWaitsForItsDeadline() {
            golden("Wait 50000 ms", seen(running(10, false), container("c1", "running")));
        }

        @Test
        void atItsDeadlineItIsKilled() {
            golden("Kill c1: TimedOut", seen(running(60, false), container("c1", "running")));
        }

        @Test
        void aCancelKillsIt() {
            golden("Kill c1: Cancelled", cancelled(running(1, false), container("c1", "running")));
        }

        @Test
        void withoutARecordedTimeoutTheDefaultApplies() {
            RunStatus noTimeout = new RunStatus(RunPhase.RUNNING, NOW.minusSeconds(20), null, null, null, "c1", false,
                    null);
            golden("Wait 40000 ms", seen(noTimeout, container("c1", "running")));
        }

        @Test
        void aWarmRunAsksWhetherItsContainerTookItsInput() {
            golden("Observe INPUT", seen(running(1, true), container("w1", "running")));
        }

        @Test
        void aWarmContainerThatTookItsInputIsLeftToIt() {
            golden("Wait 59000 ms", seen(running(1, true), container("w1", "running"))
                    .with(RunObservation.Input.TAKEN));
        }

        @Test
        void aWarmContainerWhoseRunReportedBeforeARestartIsCollectedThoughItStillRuns() {
            golden("Collect w1", seen(running(1, true), container("w1", "running"))
                    .with(RunObservation.Input.REPORTED));
        }

        @Test
        void aWarmContainerThatTookItsInputBeforeARestartIsAskedAgainEveryFewSeconds() {
            golden("Wait 2000 ms", seen(running(1, true), container("w1", "running"))
                    .with(RunObservation.Input.STARTED));
        }

        @Test
        void aWarmContainerStillWaitingIsGivenItsInput() {
            RunObservation awaiting = seen(running(1, true), container("w1", "running"))
                    .with(RunObservation.Input.AWAITED);
            golden("Observe SETUP", awaiting);
            golden("GiveInput w1", awaiting.with(ready(BASH)));
        }

        @Test
        void aWarmRunThatCannotBeSetUpAfterARestartFails() {
            golden("Finish Failed (could not be started after Corral restarted: gone) after removing w1",
                    seen(running(1, true), container("w1", "running")).with(RunObservation.Input.AWAITED)
                            .with(new RunObservation.Setup.Refused("gone", null)));
        }

        @Test
        void aKillComesBeforeAnyHandOver() {
            golden("Kill w1: TimedOut", seen(running(61, true), container("w1", "running")));
        }
    }

    // ---- ended -------------------------------------------------------------------------------

    @Nested
    class Ended {
        @Test
        void anExitedContainerIsCollected() {
            golden("Collect c1", seen(running(5, false), container("c1", "exited")));
        }

        @Test
        void aDeadOrPausedOneToo() {
            golden("Collect c1", seen(running(5, false), container("c1", "dead")));
            golden("Collect c1", seen(running(5, false), container("c1", "paused")));
        }

        @Test
        void aKilledRunIsCollectedWithItsReason() {
            RunStatus killed = new RunStatus(RunPhase.RUNNING, NOW.minusSeconds(70), null, 60L, 3600L, "c1", false,
                    RunPhase.TIMED_OUT);
            golden("Collect c1", seen(killed, container("c1", "exited")));
        }
    }
}
