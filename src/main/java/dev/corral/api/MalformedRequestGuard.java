package dev.corral.api;

import dev.corral.http.JsonErrorResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;

/**
 * Refuses, with Corral's JSON error, requests whose URI is too long or malformed or whose headers
 * are too large. Vert.x's and Quarkus's own checks of these answer with an empty body that cannot
 * be given one (Quarkus does not expose {@code HttpServer#invalidRequestHandler}), so
 * application.properties sets Vert.x's size limits far above these, {@link CorralMain} turns
 * Quarkus's URI check off, and both are enforced here, first, instead.
 */
@ApplicationScoped
public class MalformedRequestGuard {

    /** Longest request URI, in bytes (Vert.x's default initial-line limit). */
    static final int MAX_URI_BYTES = 4096;
    /** Largest total of the request's header lines (Quarkus's default {@code max-header-size}). */
    static final int MAX_HEADER_BYTES = 20 * 1024;

    void register(@Observes Router router) {
        router.route().order(RouteOrder.MALFORMED_REQUEST_GUARD).handler(this::check);
    }

    void check(RoutingContext rc) {
        String uri = rc.request().uri();
        if (uri.length() > MAX_URI_BYTES) {
            JsonErrorResponse.send(rc, 414, "the request URI is " + uri.length() + " bytes; the limit is " + MAX_URI_BYTES);
            return;
        }
        int headerBytes = 0;
        for (Map.Entry<String, String> header : rc.request().headers()) {
            headerBytes += header.getKey().length() + 2 + header.getValue().length();
        }
        if (headerBytes > MAX_HEADER_BYTES) {
            JsonErrorResponse.send(rc, 431, "the request headers are " + headerBytes + " bytes; the limit is " + MAX_HEADER_BYTES);
            return;
        }
        String problem = uriProblem(uri);
        if (problem != null) {
            JsonErrorResponse.send(rc, 400, "malformed request URI: " + problem);
            return;
        }
        rc.next();
    }

    /** Why the URI is unusable (bad percent-encoding, control bytes, spaces), or null. */
    static String uriProblem(String uri) {
        try {
            new URI(uri);
            return null;
        } catch (URISyntaxException e) {
            return e.getReason() + " at index " + e.getIndex();
        }
    }
}
