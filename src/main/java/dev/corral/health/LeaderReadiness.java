package dev.corral.health;

import dev.corral.leader.Leadership;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Says which replica leads (runs the reconcile loop and the specs directory). Always up: a follower
 * serves the API, so it is ready; with the file store this Corral is the only one, and leads.
 */
@Readiness
@ApplicationScoped
public class LeaderReadiness implements HealthCheck {

    @Inject
    Leadership leadership;

    @Override
    public HealthCheckResponse call() {
        String leader = leadership.leader();
        return HealthCheckResponse.named("leader").up()
                .withData("leading", leadership.isLeader())
                .withData("self", String.valueOf(leadership.identity()))
                .withData("leader", leader == null ? "none (an election is under way)" : leader)
                .withData("replicated", leadership.replicated())
                .build();
    }
}
