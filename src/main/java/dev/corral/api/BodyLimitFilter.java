package dev.corral.api;

import dev.corral.config.CorralConfig;
import dev.corral.http.JsonErrorResponse;
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
            // Only an HTTP/1.1 chunked body is read here. Anything else without a length (no body, or an
            // HTTP/2 stream) is left to RESTEasy: read here too, RESTEasy would find it already consumed.
            String te = rc.request().getHeader(HttpHeaders.TRANSFER_ENCODING);
            if (te != null && te.toLowerCase(java.util.Locale.ROOT).contains("chunked")) {
                chunkedBodyReader.handle(rc);
            } else {
                rc.next();
            }
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
