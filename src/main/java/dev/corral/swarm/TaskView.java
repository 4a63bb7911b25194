package dev.corral.swarm;

import dev.corral.runtime.ObservedNode;
import dev.corral.runtime.ObservedService;
import dev.corral.runtime.ObservedTask;
import dev.corral.spec.model.Phase;

import java.util.List;
import java.util.Map;

/**
 * What a service's tasks say about its Relic or Agent: the phase, why, where it runs. Pure.
 *
 * @param current  the task Swarm wants running now (the newest one), or null
 * @param node     the node of {@code current}, or null
 * @param restarts tasks of the service that ended (Swarm keeps the last few: its task-history-limit, 5 by default)
 */
public record TaskView(Phase phase, String message, ObservedTask current, ObservedNode node, int restarts) {

    /**
     * @param expired  its lifetime is over (the service is scaled to zero for it)
     * @param restarts Swarm restarts its tasks (restart condition other than none)
     */
    public static TaskView of(ObservedService service, List<ObservedTask> tasks, Map<String, ObservedNode> nodes,
                              boolean expired, boolean restarts) {
        int ended = (int) tasks.stream().filter(ObservedTask::ended).count();
        ObservedTask current = tasks.stream().filter(t -> t.wanted() || t.delayed()).findFirst().orElse(null);
        ObservedNode node = current == null || current.nodeId() == null ? null : nodes.get(current.nodeId());
        if (service.replicas() == 0) {
            boolean stillRunning = tasks.stream().anyMatch(t -> !t.ended());
            String why = expired ? "its lifetime is over" : "state: Stopped";
            return new TaskView(stillRunning ? Phase.Terminating : Phase.Stopped, why, null, null, ended);
        }
        if (current == null) {
            ObservedTask last = tasks.isEmpty() ? null : tasks.get(0);
            ObservedNode lost = last == null || last.nodeId() == null ? null : nodes.get(last.nodeId());
            if (lost != null && !lost.ready() && !"failed".equals(last.state()) && !"complete".equals(last.state())) {
                // Its task went with its node (shut down, orphaned), not by its own exit.
                return restarts ? new TaskView(Phase.Pending, "node " + lost.hostname() + " is " + lost.state()
                        + ": waiting for Swarm to place the container on another node", null, lost, ended)
                        : new TaskView(Phase.Failed, "node " + lost.hostname() + " is " + lost.state()
                        + ", and its restart policy does not start it again", null, lost, ended);
            }
            if (last != null && last.ended()) {
                // Swarm starts no new task: the restart policy says no more (Never, OnFailure after a success,
                // or maxRestarts used up).
                String exit = last.exitCode() == null ? "" : " with exit code " + last.exitCode();
                boolean completed = "complete".equals(last.state());
                return new TaskView(completed ? Phase.Stopped : Phase.Failed, "its container ended" + exit
                        + (last.message() == null ? "" : " (" + last.message() + ")") + "; Swarm does not restart it",
                        null, null, ended);
            }
            return new TaskView(Phase.Pending, "waiting for Swarm to schedule a task", null, null, ended);
        }
        if (node != null && !node.ready()) {
            return new TaskView(Phase.Pending, "node " + node.hostname() + " is " + node.state()
                    + ": waiting for Swarm to place the container on another node", current, node, ended);
        }
        String where = node == null ? "" : " on " + node.hostname();
        if (current.delayed()) {
            ObservedTask before = tasks.stream().filter(ObservedTask::ended).findFirst().orElse(null);
            String how = before == null ? "" : ": the last one ended" + (before.exitCode() == null ? ""
                    : " with exit code " + before.exitCode()) + (before.message() == null ? "" : " (" + before.message() + ")");
            return new TaskView(Phase.CrashLoopBackOff, "Swarm starts it again after its restart delay" + how,
                    current, node, ended);
        }
        if (!String.valueOf(service.label(ServiceSpecs.SERVICE_HASH)).equals(current.labels().get(ServiceSpecs.SERVICE_HASH))) {
            // Swarm replaces a task after an update, not at once: until then the running one is the old spec's.
            return new TaskView(Phase.Starting, "updating: Swarm replaces the container" + where, current, node, ended);
        }
        return switch (current.state()) {
            case "running" -> new TaskView(Phase.Ready, null, current, node, ended);
            case "starting" -> new TaskView(Phase.Starting, "started" + where + "; waiting for it to be healthy",
                    current, node, ended);
            case "new", "allocated", "pending" -> new TaskView(Phase.Pending,
                    current.message() == null ? "waiting for a node" : current.message(), current, node, ended);
            default -> new TaskView(Phase.Creating, current.state() + where
                    + (current.message() == null ? "" : ": " + current.message()), current, node, ended);
        };
    }
}
