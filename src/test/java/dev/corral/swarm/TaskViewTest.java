package dev.corral.swarm;

import dev.corral.runtime.ObservedNode;
import dev.corral.runtime.ObservedService;
import dev.corral.runtime.ObservedTask;
import dev.corral.spec.model.Phase;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskViewTest {

    static final Map<String, String> V1 = Map.of(ServiceSpecs.SERVICE_HASH, "v1");
    static final ObservedService SERVICE = new ObservedService("svc", "corral-relic-s1-web", 7,
            Map.of(ServiceSpecs.SERVICE_HASH, "v1"), 1, "d");
    static final ObservedNode N1 = new ObservedNode("n1", "corral-node1", "ready", "active");
    static final ObservedNode N2 = new ObservedNode("n2", "corral-node2", "ready", "active");
    static final ObservedNode N2_DOWN = new ObservedNode("n2", "corral-node2", "down", "active");

    static ObservedTask task(String id, String node, String state, String desired, int secondsAgo) {
        return task(id, node, state, desired, secondsAgo, V1);
    }

    static ObservedTask task(String id, String node, String state, String desired, int secondsAgo,
                             Map<String, String> labels) {
        return new ObservedTask(id, "svc", node, state, desired, state.equals("failed") ? "task: non-zero exit (1)" : null,
                "c-" + id, state.equals("failed") ? 1 : null, Instant.parse("2026-12-07T00:00:00Z").minusSeconds(secondsAgo),
                labels);
    }

    static TaskView view(List<ObservedTask> tasks, ObservedNode... nodes) {
        Map<String, ObservedNode> byId = new java.util.HashMap<>();
        for (ObservedNode n : nodes) {
            byId.put(n.id(), n);
        }
        return TaskView.of(SERVICE, tasks, byId, false, true);
    }

    @Test
    void aRunningTaskOfTheCurrentSpecIsReadyAndSaysWhere() {
        TaskView v = view(List.of(task("t2", "n2", "running", "running", 1),
                task("t1", "n1", "failed", "shutdown", 10)), N1, N2);
        assertEquals(Phase.Ready, v.phase());
        assertEquals("corral-node2", v.node().hostname());
        assertEquals("t2", v.current().id());
        assertEquals(1, v.restarts());
    }

    @Test
    void healthIsAwaitedAndAnUpdateIsNotReadyUntilItsTaskRuns() {
        assertEquals(Phase.Starting, view(List.of(task("t1", "n1", "starting", "running", 1)), N1).phase());
        TaskView updating = view(List.of(task("t1", "n1", "running", "running", 1, Map.of(ServiceSpecs.SERVICE_HASH, "v0"))), N1);
        assertEquals(Phase.Starting, updating.phase());
        assertTrue(updating.message().startsWith("updating"), updating.message());
    }

    @Test
    void aTaskOnALostNodeSaysSoUntilSwarmPlacesItElsewhere() {
        TaskView onLost = view(List.of(task("t1", "n2", "running", "running", 5)), N1, N2_DOWN);
        assertEquals(Phase.Pending, onLost.phase());
        assertTrue(onLost.message().contains("corral-node2 is down"), onLost.message());
        TaskView replaced = view(List.of(task("t1", "n2", "orphaned", "shutdown", 5)), N1, N2_DOWN);
        assertEquals(Phase.Pending, replaced.phase());
        assertTrue(replaced.message().contains("corral-node2 is down"), replaced.message());
    }

    @Test
    void aTaskOnALostNodeThatIsNotRestartedIsFailed() {
        TaskView v = TaskView.of(SERVICE, List.of(task("t1", "n2", "running", "shutdown", 5)), Map.of("n1", N1, "n2", N2_DOWN),
                false, false);
        assertEquals(Phase.Failed, v.phase());
        assertTrue(v.message().contains("corral-node2 is down"), v.message());
    }

    @Test
    void aTaskWaitingOutTheRestartDelayAfterAFailureIsACrashLoop() {
        TaskView v = view(List.of(task("t2", null, "new", "ready", 1), task("t1", "n1", "failed", "shutdown", 3)), N1);
        assertEquals(Phase.CrashLoopBackOff, v.phase());
        assertTrue(v.message().contains("exit code 1"), v.message());
        assertEquals(1, v.restarts());
    }

    @Test
    void schedulingTroubleIsPendingWithSwarmsWords() {
        var pending = new ObservedTask("t1", "svc", null, "pending", "running",
                "no suitable node (scheduling constraints not satisfied on 3 nodes)", null, null, Instant.now(), V1);
        TaskView v = view(List.of(pending), N1);
        assertEquals(Phase.Pending, v.phase());
        assertTrue(v.message().startsWith("no suitable node"), v.message());
        assertNull(v.node());
    }

    @Test
    void noRestartLeftIsFailedAndScaledToZeroIsStopped() {
        TaskView failed = view(List.of(task("t3", "n1", "failed", "shutdown", 1), task("t2", "n1", "failed", "shutdown", 5)), N1);
        assertEquals(Phase.Failed, failed.phase());
        assertTrue(failed.message().contains("exit code 1"), failed.message());
        assertEquals(Phase.Stopped, view(List.of(task("t1", "n1", "complete", "shutdown", 1)), N1).phase());
        var stopped = new ObservedService("svc", "corral-relic-s1-web", 8, SERVICE.labels(), 0, "d");
        assertEquals(Phase.Terminating, TaskView.of(stopped, List.of(task("t1", "n1", "running", "shutdown", 1)),
                Map.of("n1", N1), false, true).phase());
        assertEquals(Phase.Stopped, TaskView.of(stopped, List.of(task("t1", "n1", "shutdown", "shutdown", 1)),
                Map.of("n1", N1), false, true).phase());
    }
}
