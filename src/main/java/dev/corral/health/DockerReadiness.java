package dev.corral.health;

import dev.corral.config.CorralConfig;
import dev.corral.runtime.ObservedNode;
import dev.corral.runtime.ServiceRuntime;

import dev.corral.leader.Leadership;
import dev.corral.loop.Controller;
import dev.corral.runtime.ContainerRuntime;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while the Docker engine answers; comes back up on its own when it does again. */
@Readiness
@ApplicationScoped
public class DockerReadiness implements HealthCheck {

    @Inject
    ContainerRuntime runtime;

    @Inject
    Controller controller;

    @Inject
    Leadership leadership;

    @Inject
    CorralConfig config;

    @Inject
    ServiceRuntime swarm;

    @Override
    public HealthCheckResponse call() {
        if (!controller.enabled()) {
            return HealthCheckResponse.named("docker").up().withData("docker", "not used (reconcile disabled)").build();
        }
        if (!leadership.isLeader()) {
            return HealthCheckResponse.named("docker").up().withData("docker", "not used: another replica leads").build();
        }
        try {
            runtime.ping();
        } catch (java.lang.RuntimeException e) {
            return HealthCheckResponse.named("docker").down().withData("docker", String.valueOf(e.getMessage())).build();
        }
        String problem = controller.engineProblem();
        var response = HealthCheckResponse.named("docker").status(problem == null)
                .withData("docker", problem == null ? "answers" : problem);
        if (config.engine().mode() == CorralConfig.EngineMode.swarm) {
            // A Swarm manager, or nothing works: say so here rather than in every relic's status.
            try {
                var nodes = swarm.nodes();
                long ready = nodes.stream().filter(ObservedNode::ready).count();
                response.withData("swarm", nodes.size() + " nodes, " + ready + " ready");
            } catch (java.lang.RuntimeException e) {
                return HealthCheckResponse.named("docker").down().withData("docker", "corral.engine.mode=swarm, and the "
                        + "engine cannot list Swarm nodes (is it a Swarm manager?): " + e.getMessage()).build();
            }
        }
        return response.build();
    }
}
