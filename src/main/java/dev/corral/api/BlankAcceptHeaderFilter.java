package dev.corral.api;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.List;

/**
 * Drops an empty {@code Accept:} header so the request is answered as if it had none (JSON).
 * RESTEasy cannot parse an empty media-type list and fails the request with a 500 otherwise.
 */
@ApplicationScoped
public class BlankAcceptHeaderFilter {

    void register(@Observes Router router) {
        router.route().order(RouteOrder.BLANK_ACCEPT).handler(this::dropBlankAccept);
    }

    void dropBlankAccept(RoutingContext rc) {
        List<String> accept = rc.request().headers().getAll(HttpHeaders.ACCEPT);
        if (!accept.isEmpty() && accept.stream().allMatch(BlankAcceptHeaderFilter::isBlank)) {
            rc.request().headers().remove(HttpHeaders.ACCEPT);
        }
        rc.next();
    }

    /** Blank, or only separators: no media range at all. */
    private static boolean isBlank(String value) {
        return value.chars().allMatch(c -> c == ',' || Character.isWhitespace(c));
    }
}
