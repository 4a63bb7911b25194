package dev.corral.auth;

import dev.corral.config.CorralConfig;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityPolicy;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The policy of {@code /q/metrics}, {@code /q/openapi} and the Swagger UI (routes outside the
 * REST resources, so no {@code @RolesAllowed} can guard them): the {@code read} role, unless
 * {@code corral.auth.open-metrics=true} (a Prometheus without a token). Named in
 * application.properties as {@code corral-read}.
 */
@ApplicationScoped
public class ReadPolicy implements HttpSecurityPolicy {

    @Inject
    CorralConfig config;

    @Override
    public Uni<CheckResult> checkPermission(RoutingContext request, Uni<SecurityIdentity> identity,
                                            AuthorizationRequestContext context) {
        if (config.auth().openMetrics()) {
            return CheckResult.permit();
        }
        return identity.map(i -> i.hasRole(Role.R) ? CheckResult.PERMIT : CheckResult.DENY);
    }

    @Override
    public String name() {
        return "corral-read";
    }
}
