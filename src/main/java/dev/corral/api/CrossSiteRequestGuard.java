package dev.corral.api;

import dev.corral.http.JsonErrorResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.Locale;
import java.util.Set;

/**
 * Refuses mutating requests a browser sends on behalf of another site. Corral sends no
 * Access-Control-* headers, but a browser still delivers "simple" cross-site requests (a form
 * POST, a bodyless {@code POST /runs/x/cancel}) and only hides the answer, so the refusal has to
 * happen here. WebSocket upgrades are checked too. Clients that are not browsers send no Origin
 * header and pass.
 */
@ApplicationScoped
public class CrossSiteRequestGuard {

    static final String REFUSED = "cross-site request refused";

    private static final Set<HttpMethod> MUTATING = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.PATCH);

    void register(@Observes Router router) {
        router.route().order(RouteOrder.CROSS_SITE_GUARD).handler(this::check);
    }

    void check(RoutingContext rc) {
        if ((MUTATING.contains(rc.request().method()) || isWebSocketUpgrade(rc.request())) && isCrossSite(rc.request())) {
            JsonErrorResponse.send(rc, 403, REFUSED);
            return;
        }
        rc.next();
    }

    /**
     * A browser lets any page open a WebSocket to any host, loopback included, and applies no
     * same-origin rule to what comes back: a page could read the logs of a Corral without tokens.
     * So a cross-site upgrade is refused like a mutating request.
     */
    static boolean isWebSocketUpgrade(HttpServerRequest request) {
        return "websocket".equalsIgnoreCase(trimmed(request.getHeader("Upgrade")));
    }

    static boolean isCrossSite(HttpServerRequest request) {
        if ("cross-site".equalsIgnoreCase(trimmed(request.getHeader("Sec-Fetch-Site")))) {
            return true;
        }
        String origin = request.getHeader("Origin");
        return origin != null && !sameOrigin(origin.trim(), request.scheme(), request.authority());
    }

    /** Whether an Origin ({@code scheme://host[:port]}; "null" for opaque origins) is the request's own. */
    static boolean sameOrigin(String origin, String scheme, HostAndPort authority) {
        int separator = origin.indexOf("://");
        if (separator <= 0 || scheme == null || authority == null) {
            return false;
        }
        String originScheme = origin.substring(0, separator).toLowerCase(Locale.ROOT);
        HostAndPort originAuthority = HostAndPort.parseAuthority(origin.substring(separator + 3), defaultPort(originScheme));
        if (originAuthority == null || !originScheme.equals(scheme.toLowerCase(Locale.ROOT))) {
            return false;
        }
        int port = authority.port() == -1 ? defaultPort(originScheme) : authority.port();
        return originAuthority.host().equalsIgnoreCase(authority.host()) && originAuthority.port() == port;
    }

    private static int defaultPort(String scheme) {
        return switch (scheme) {
            case "http" -> 80;
            case "https" -> 443;
            default -> -1;
        };
    }

    private static String trimmed(String value) {
        return value == null ? null : value.trim();
    }
}
