package dev.corral.runtime;

import java.util.List;
import java.util.Optional;

/**
 * Corral's door to a Swarm manager ({@code corral.engine.mode=swarm}): services, their tasks and the
 * nodes. As {@link ContainerRuntime}, every step is idempotent, and lists show only what carries
 * {@link Labels#MANAGED} and this instance's {@link Labels#INSTANCE}.
 */
public interface ServiceRuntime {

    /** Empty when there is no service of that name. */
    Optional<ObservedService> inspectService(String name);

    List<ObservedService> listServices();

    /** @return the new service's id; {@link NameConflictException} if the name is taken */
    String createService(ServiceRequest request);

    /** Replaces the service's spec; {@code version} is the one last seen (a stale one fails). */
    void updateService(ObservedService current, ServiceRequest request);

    /**
     * Whether the service still runs what {@code request} asks: image, command, arguments, environment, its
     * container's labels and the replica count (an update behind Corral's back shows here).
     */
    boolean matches(ObservedService current, ServiceRequest request);

    /** A missing service is left as it is. */
    void removeService(String idOrName);

    /** Every task of one service, newest first. */
    List<ObservedTask> tasks(String serviceId);

    /** Every task of the Swarm whose desired state is running (one call, for the watcher). */
    List<ObservedTask> runningTasks();

    List<ObservedNode> nodes();

    /**
     * What a service's tasks wrote, stdout and stderr apart, each cut at {@code maxBytes}: the manager gathers
     * it from the nodes (a task's container logs with the json-file driver).
     */
    Logs serviceLogs(String serviceId, long maxBytes);
}
