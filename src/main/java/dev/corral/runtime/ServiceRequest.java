package dev.corral.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A one-replica Swarm service to create or update: Swarm places its task (its container) on a node and
 * restarts it per {@code restart}; Corral decides everything else.
 *
 * @param labels      the service's labels (ownership, hashes); {@link Labels#INSTANCE} is added
 * @param container   what its task runs: image, command, environment, limits, lock-down; its {@code name},
 *                    {@code network} and {@code aliases} name the service and where it is reachable
 * @param replicas    1, or 0 while the spec says Stopped
 * @param restart     when Swarm starts a new task for an ended one
 * @param health      Swarm's health check of the task, or null: a task counts as running only once healthy
 * @param constraints placement constraints, as {@code node.hostname==n1}
 * @param stopGrace   how long a task's container has to end after SIGTERM before SIGKILL
 */
public record ServiceRequest(Map<String, String> labels, ContainerRequest container, int replicas, Restart restart,
                             Health health, List<String> constraints, Duration stopGrace) {

    /** Swarm's restart condition and its delay between attempts; {@code maxAttempts} null: no limit. */
    public record Restart(Condition condition, Duration delay, Integer maxAttempts) {
        public enum Condition { ANY, ON_FAILURE, NONE }
    }

    /** A command run in the task's container ({@code CMD} form), with its timings. */
    public record Health(List<String> command, Duration interval, Duration timeout, int retries, Duration startPeriod) {
    }

    /** The same service, joining {@code network} (a name or an id) instead, with the same aliases. */
    public ServiceRequest onNetwork(String network) {
        return new ServiceRequest(labels, container.withNetwork(network, container.aliases()), replicas, restart, health,
                constraints, stopGrace);
    }

    /** The same service with {@code key=value} added to its labels and to its container's. */
    public ServiceRequest labelled(String key, String value) {
        Map<String, String> own = new java.util.TreeMap<>(labels);
        own.put(key, value);
        Map<String, String> task = new java.util.TreeMap<>(container.labels());
        task.put(key, value);
        return new ServiceRequest(own, container.withLabels(task), replicas, restart, health, constraints, stopGrace);
    }

    public String name() {
        return container.name();
    }
}
