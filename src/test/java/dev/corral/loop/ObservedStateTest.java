package dev.corral.loop;

import dev.corral.runtime.ObservedContainer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A slow resync list must not undo what events and actions recorded after it was taken. */
class ObservedStateTest {

    private static final dev.corral.spec.ObjectKey R1 = dev.corral.spec.ObjectKey.of(dev.corral.spec.Kind.ToolRun, null, "r1");
    private static final Map<String, String> LABELS = Map.of("corral.dev/managed", "true", "corral.dev/kind", "ToolRun",
            "corral.dev/name", "r1");

    @Test
    void aListTakenBeforeAChangeDoesNotOverwriteIt() {
        ObservedState s = new ObservedState();
        s.put(new ObservedContainer("c1", "corral-toolrun-r1", LABELS, "created"));
        long listedAt = ObservedState.stamp();
        List<ObservedContainer> staleList = List.of(new ObservedContainer("c1", "corral-toolrun-r1", LABELS, "created"));
        // Meanwhile the run started and ended (events), and another container was removed.
        s.setState("c1", "running");
        s.setState("c1", "exited");
        s.replace(listedAt, staleList, List.of(), List.of());
        assertEquals("exited", s.container("c1").orElseThrow().state());
    }

    @Test
    void aResyncNeverHidesAContainerThatIsListedBeforeAndAfter() throws Exception {
        ObservedState s = new ObservedState();
        List<ObservedContainer> listed = new java.util.ArrayList<>();
        for (int i = 0; i < 500; i++) {
            listed.add(new ObservedContainer("c" + i, "n" + i, LABELS, "running"));
        }
        s.replace(ObservedState.stamp(), listed, List.of(), List.of());
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger missed = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger looks = new java.util.concurrent.atomic.AtomicInteger();
        Thread reader = new Thread(() -> {
            while (!done.get()) {
                looks.incrementAndGet();
                if (s.container("c499").isEmpty() || s.containersOf(R1).isEmpty()) {
                    missed.incrementAndGet();
                }
            }
        });
        reader.start();
        // Until the reader has looked many times while resyncs ran (a cleared and refilled map showed it gaps).
        for (int round = 0; round < 500 || looks.get() < 20_000; round++) {
            s.replace(ObservedState.stamp(), listed, List.of(), List.of());
        }
        done.set(true);
        reader.join();
        assertEquals(0, missed.get(), "looks during resyncs that found the container missing, of " + looks.get());
    }

    @Test
    void anObjectsContainersAreFoundThroughEveryChangeToThePicture() {
        ObservedState s = new ObservedState();
        Map<String, String> other = Map.of("corral.dev/managed", "true", "corral.dev/kind", "ToolRun", "corral.dev/name", "r2");
        s.put(new ObservedContainer("a", "n-a", LABELS, "running"));
        s.put(new ObservedContainer("b", "n-b", other, "running"));
        assertEquals(List.of("a"), ids(s.containersOf(R1)));
        s.setState("a", "exited");
        assertEquals("exited", s.containersOf(R1).get(0).state());
        s.replace(ObservedState.stamp(), List.of(new ObservedContainer("c", "n-c", LABELS, "running"),
                new ObservedContainer("b", "n-b", other, "running")), List.of(), List.of());
        assertEquals(List.of("c"), ids(s.containersOf(R1)), "a is gone from the list, c is new");
        s.put(new ObservedContainer("d", "n-d", LABELS, "created"));
        assertEquals(List.of("c", "d"), ids(s.containersOf(R1)));
        s.removeContainer("c");
        s.removeContainer("d");
        assertEquals(List.of(), s.containersOf(R1));
        assertEquals(List.of("b"), ids(s.containersOf(dev.corral.spec.ObjectKey.of(dev.corral.spec.Kind.ToolRun, null, "r2"))));
    }

    private static List<String> ids(List<ObservedContainer> cs) {
        return cs.stream().map(ObservedContainer::id).toList();
    }

    @Test
    void aListTakenBeforeARemovalDoesNotResurrectIt() {
        ObservedState s = new ObservedState();
        s.put(new ObservedContainer("c2", "x", LABELS, "exited"));
        long listedAt = ObservedState.stamp();
        s.removeContainer("c2");
        s.replace(listedAt, List.of(new ObservedContainer("c2", "x", LABELS, "exited")), List.of(), List.of());
        assertTrue(s.container("c2").isEmpty());
    }

    @Test
    void aContainerThatDiesWhileTheFirstListIsOnItsWayIsNotListedAsRunning() {
        ObservedState s = new ObservedState();
        long listedAt = ObservedState.stamp();
        // The first list of a Corral that starts (or has just come to lead) is taken; the container dies
        // before that list is in the picture, so its die event finds nothing to change.
        s.setState("c4", "exited");
        s.replace(listedAt, List.of(new ObservedContainer("c4", "corral-relic-s-web", LABELS, "running")), List.of(), List.of());
        assertEquals("exited", s.container("c4").orElseThrow().state());

        // A later list is the truth again (it was started again, say).
        s.replace(ObservedState.stamp(), List.of(new ObservedContainer("c4", "corral-relic-s-web", LABELS, "running")),
                List.of(), List.of());
        assertEquals("running", s.container("c4").orElseThrow().state());
    }

    @Test
    void aListTakenAfterwardsIsTheTruth() {
        ObservedState s = new ObservedState();
        s.put(new ObservedContainer("c3", "x", LABELS, "running"));
        s.replace(ObservedState.stamp(), List.of(new ObservedContainer("c3", "x", LABELS, "exited")), List.of(), List.of());
        assertEquals("exited", s.container("c3").orElseThrow().state());
        s.replace(ObservedState.stamp(), List.of(), List.of(), List.of());
        assertTrue(s.container("c3").isEmpty(), "gone from a later list: gone");
    }
}
