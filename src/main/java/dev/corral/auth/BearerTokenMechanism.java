package dev.corral.auth;

import dev.corral.http.JsonErrorResponse;
import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Set;

/**
 * {@code Authorization: Bearer <token>}, checked against the tokens file. Without a tokens file
 * every request is the principal {@code anonymous} with every role (Corral then listens on
 * loopback only, unless told otherwise on purpose). The token itself is never logged or echoed.
 */
@ApplicationScoped
public class BearerTokenMechanism implements HttpAuthenticationMechanism {

    /** The principal of requests when authentication is off. */
    public static final String ANONYMOUS = "anonymous";

    @Inject
    Tokens tokens;

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        if (!tokens.enabled()) {
            return Uni.createFrom().item(QuarkusSecurityIdentity.builder()
                    .setPrincipal(new QuarkusPrincipal(ANONYMOUS)).addRoles(Role.ADMIN.granted()).build());
        }
        String header = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Uni.createFrom().optional(java.util.Optional.empty()); // anonymous: refused where a role is needed
        }
        return identities.authenticate(new TokenAuthenticationRequest(new TokenCredential(header.substring(7).strip(),
                "bearer")));
    }

    /**
     * The 401 of a route outside the resources ({@code /q/metrics}, {@code /q/openapi}, the Swagger
     * UI), where Quarkus's path authorizer sends the challenge itself and would end the response
     * with an empty body: Corral's JSON error, as the exception mappers send for the resources.
     */
    @Override
    public Uni<Boolean> sendChallenge(RoutingContext context) {
        context.response().putHeader("WWW-Authenticate", "Bearer realm=\"corral\"");
        JsonErrorResponse.send(context, 401, "a valid token is required: send Authorization: Bearer <token>");
        return Uni.createFrom().item(true);
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer realm=\"corral\""));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(TokenAuthenticationRequest.class);
    }
}
