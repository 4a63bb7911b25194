package dev.corral.health;

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
        return HealthCheckResponse.named("docker").status(problem == null)
                .withData("docker", problem == null ? "answers" : problem).build();
    }
}
