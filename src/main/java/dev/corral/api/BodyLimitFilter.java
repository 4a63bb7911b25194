package dev.corral.api;

import dev.corral.config.CorralConfig;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Refuses a body whose declared length is over {@code corral.api.max-body-bytes} with a JSON
 * 413 before any of it is read. (A chunked body without a length is cut off by Vert.x at the
 * same limit, also with 413.)
 */
@ApplicationScoped
public class BodyLimitFilter {

    @Inject
    CorralConfig config;

    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::limit);
    }

    void limit(RoutingContext rc) {
        String length = rc.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > config.api().maxBodyBytes()) {
                    rc.response().setStatusCode(413)
                            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                            .putHeader(HttpHeaders.CONNECTION, "close")
                            .end("{\"error\":\"the request body is " + length.trim() + " bytes; the limit is "
                                    + config.api().maxBodyBytes() + " (corral.api.max-body-bytes)\"}");
                    return;
                }
            } catch (NumberFormatException e) {
                // Vert.x answers a malformed Content-Length itself.
            }
        }
        rc.next();
    }
}
