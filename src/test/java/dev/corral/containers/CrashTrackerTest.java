package dev.corral.containers;

import dev.corral.runtime.ContainerDetails;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CrashTrackerTest {

    static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");
    static final Duration RESET = Duration.ofMinutes(10);
    static final ObjectKey KEY = ObjectKey.of(Kind.Relic, "s1", "web");
    static final ObjectKey OTHER = ObjectKey.of(Kind.Agent, null, "bot");

    final CrashTracker tracker = new CrashTracker(RESET);

    /** A run of container {@code id} that started {@code startSec} after T0 and lasted {@code ranSec}. */
    static ContainerDetails run(String id, long startSec, long ranSec) {
        Instant start = T0.plusSeconds(startSec);
        return new ContainerDetails(id, "corral-relic-s1-web", Map.of(), false, 1L, false, null, start,
                start.plusSeconds(ranSec), Map.of());
    }

    int crashes(ContainerDetails d) {
        return tracker.ended(KEY, d).consecutiveCrashes();
    }

    @Test
    void sameEndedRunIsCountedOnce() {
        ContainerDetails d = run("c1", 0, 5);
        assertEquals(1, crashes(d));
        assertEquals(1, crashes(d));
        assertEquals(1, crashes(run("c1", 0, 5)), "an equal inspect of the same run");
    }

    @Test
    void newRunCountsAgain() {
        assertEquals(1, crashes(run("c1", 0, 5)));
        assertEquals(2, crashes(run("c1", 10, 5)), "same container, started again");
        assertEquals(2, crashes(run("c1", 10, 5)));
        assertEquals(3, crashes(run("c1", 30, 5)));
        assertEquals(4, crashes(run("c2", 60, 5)), "a new container id");
    }

    @Test
    void runLongerThanResetResetsStreak() {
        assertEquals(1, crashes(run("c1", 0, 5)));
        assertEquals(2, crashes(run("c1", 10, 5)));
        assertEquals(3, crashes(run("c1", 30, 5)));
        assertEquals(1, crashes(run("c1", 60, RESET.toSeconds())), "ran exactly the reset time");
        assertEquals(2, crashes(run("c1", 1000, 5)));
        assertEquals(1, crashes(run("c1", 2000, RESET.toSeconds() + 60)));
    }

    @Test
    void runWithoutTimesNeverResets() {
        assertEquals(1, crashes(run("c1", 0, 5)));
        ContainerDetails noTimes = new ContainerDetails("c1", "n", Map.of(), false, 1L, false, null, null, null,
                Map.of());
        assertEquals(2, crashes(noTimes));
        assertEquals(2, crashes(noTimes), "counted once");
    }

    @Test
    void keysAreIndependent() {
        assertEquals(1, crashes(run("c1", 0, 5)));
        assertEquals(2, crashes(run("c1", 10, 5)));
        assertEquals(1, tracker.ended(OTHER, run("c1", 0, 5)).consecutiveCrashes());
        assertEquals(1, tracker.restarted(OTHER));
        assertEquals(0, tracker.restarts(KEY));
    }

    @Test
    void restartsCountUp() {
        assertEquals(0, tracker.restarts(KEY));
        assertEquals(1, tracker.restarted(KEY));
        assertEquals(2, tracker.restarted(KEY));
        assertEquals(2, tracker.restarts(KEY));
    }

    @Test
    void seedFromStatus() {
        tracker.seed(KEY, 5);
        assertEquals(5, tracker.restarts(KEY));
        assertEquals(6, tracker.restarted(KEY));
        tracker.seed(KEY, 100);
        assertEquals(6, tracker.restarts(KEY), "seeded only once");
    }

    @Test
    void seedNeverLowersACountAlreadyMade() {
        tracker.restarted(KEY);
        tracker.restarted(KEY);
        tracker.restarted(KEY);
        tracker.seed(KEY, 1);
        assertEquals(3, tracker.restarts(KEY));
    }

    @Test
    void seedDoesNotTouchTheStreak() {
        assertEquals(1, crashes(run("c1", 0, 5)));
        tracker.seed(KEY, 7);
        assertEquals(2, crashes(run("c1", 10, 5)));
    }

    @Test
    void recreatedResetsStreakButNotRestarts() {
        assertEquals(1, crashes(run("c1", 0, 5)));
        assertEquals(2, crashes(run("c1", 10, 5)));
        tracker.restarted(KEY);
        tracker.recreated(KEY);
        assertEquals(1, crashes(run("c2", 20, 5)));
        assertEquals(1, tracker.restarts(KEY));
    }

    @Test
    void recreatedOfUnknownKeyIsHarmless() {
        tracker.recreated(KEY);
        assertEquals(1, crashes(run("c1", 0, 5)));
    }

    @Test
    void runningLongEnoughForgivesTheStreak() {
        assertEquals(1, crashes(run("c1", 0, 5)));
        assertEquals(2, crashes(run("c1", 10, 5)));
        tracker.running(KEY, T0.plusSeconds(20), T0.plusSeconds(20 + 60));
        assertEquals(3, crashes(run("c1", 20, 70)), "a minute is not long enough");
        tracker.running(KEY, T0.plusSeconds(100), T0.plusSeconds(100).plus(RESET));
        assertEquals(1, crashes(run("c1", 100, 5)));
    }

    @Test
    void forgetDropsEverything() {
        assertEquals(1, crashes(run("c1", 0, 5)));
        tracker.restarted(KEY);
        tracker.forget(KEY);
        assertEquals(0, tracker.restarts(KEY));
        assertEquals(1, crashes(run("c1", 10, 5)));
        tracker.seed(KEY, 4);
        assertEquals(4, tracker.restarts(KEY), "a forgotten key can be seeded again");
    }

    @Test
    void restartsSinceTheSpecCountPerGenerationAndSurviveARestartOfCorral() {
        CrashTracker tracker = new CrashTracker(Duration.ofSeconds(10));
        tracker.restarted(KEY, 1);
        tracker.restarted(KEY, 1);
        assertEquals(2, tracker.restartsSince(KEY, 1));
        assertEquals(0, tracker.restartsSince(KEY, 2), "a new spec starts over");
        assertEquals(3, tracker.restarted(KEY, 2), "the total goes on");
        assertEquals(1, tracker.restartsSince(KEY, 2));

        CrashTracker afterRestart = new CrashTracker(Duration.ofSeconds(10));
        afterRestart.seed(KEY, 3, 2, 1);
        assertEquals(1, afterRestart.restartsSince(KEY, 2));
        assertEquals(0, afterRestart.restartsSince(KEY, 3));
        assertEquals(4, afterRestart.restarted(KEY, 2));
        assertEquals(2, afterRestart.restartsSince(KEY, 2));
    }
}
