package dev.corral.api;

import dev.corral.config.CorralConfig;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Refuses a body over {@code corral.api.max-body-bytes} with a JSON 413: a body whose declared
 * length is over the limit before any of it is read, a body without a declared length (chunked)
 * as soon as what has arrived passes the limit.
 */
@ApplicationScoped
public class BodyLimitFilter {

    @Inject
    CorralConfig config;

    private BodyHandler chunkedBodyReader;

    void register(@Observes Router router) {
        // Left to RESTEasy, a chunked body over the limit is cut off deep in its input stream
        // with an empty 413. Read here instead, it fails the route with 413, which
        // RouterErrorsAsJson answers; RESTEasy then takes the body already read.
        chunkedBodyReader = BodyHandler.create(false).setBodyLimit(config.api().maxBodyBytes());
        router.route().order(RouteOrder.BODY_LIMIT).handler(this::limit);
    }

    void limit(RoutingContext rc) {
        String length = rc.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            // No body at all, or one without a declared length: the body handler skips the one and reads the other.
            chunkedBodyReader.handle(rc);
            return;
        }
        try {
            if (Long.parseLong(length.trim()) > config.api().maxBodyBytes()) {
                JsonErrorResponse.send(rc, 413, "the request body is " + length.trim() + " bytes; the limit is "
                        + config.api().maxBodyBytes() + " (corral.api.max-body-bytes)");
                return;
            }
        } catch (NumberFormatException e) {
            // Vert.x answers a malformed Content-Length itself.
        }
        rc.next();
    }
}
