package dev.corral.api;

import dev.corral.config.CorralConfig;
import dev.corral.http.JsonErrorResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.Locale;

/**
 * Corral's JSON error for every failure of the Vert.x router, which RESTEasy's exception mappers
 * never see: a request target that is not a path ({@code OPTIONS *}), a missing Host header, a
 * body over the limit, a route no handler matches, a path Vert.x cannot decode. Without this
 * Quarkus's error handler answers them with an empty body or a JSON of its own.
 */
@ApplicationScoped
public class RouterErrorsAsJson {

    private static final Logger LOG = Logger.getLogger(RouterErrorsAsJson.class);

    /** Statuses the router itself may end a request with when no failure handler ran. */
    private static final int[] ROUTER_STATUSES = {400, 403, 404, 405, 406, 413, 414, 415, 431, 500, 501, 503};

    @Inject
    CorralConfig config;

    void register(@Observes Router router) {
        router.route().order(RouteOrder.ROUTER_FAILURES).failureHandler(this::failure);
        // The router calls these directly, without failure handlers, when no route matches and
        // when matching itself throws (a path with bad percent-encoding: 400).
        for (int status : ROUTER_STATUSES) {
            router.errorHandler(status, rc -> JsonErrorResponse.send(rc, status, message(status, rc.failure())));
        }
    }

    void failure(RoutingContext rc) {
        Throwable failure = rc.failure();
        // Security checks of routes outside the resources (/q/metrics, /q/openapi) fail the route.
        if (failure instanceof io.quarkus.security.AuthenticationFailedException
                || failure instanceof io.quarkus.security.UnauthorizedException) {
            rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"corral\"");
            JsonErrorResponse.send(rc, 401, "a valid token is required: send Authorization: Bearer <token>");
            return;
        }
        if (failure instanceof io.quarkus.security.ForbiddenException) {
            JsonErrorResponse.send(rc, 403, "this token's role does not allow this request");
            return;
        }
        // The client went away while its body was read: nobody to answer, and nothing went wrong here.
        if (failure instanceof io.vertx.core.http.HttpClosedException) {
            LOG.debugf("%s %s: the client closed the connection", rc.request().method(), rc.request().path());
            return;
        }
        int status = rc.statusCode();
        if (status < 400) {
            status = failure instanceof HttpException http ? http.getStatusCode() : 500;
        }
        if (status >= 500) {
            LOG.errorf(failure, "%s %s failed with %d", rc.request().method(), rc.request().path(), status);
        }
        JsonErrorResponse.send(rc, status, message(status, failure));
    }

    String message(int status, Throwable failure) {
        String message = switch (status) {
            case 400 -> "bad request";
            case 404 -> "no such resource";
            case 405 -> "method not allowed here";
            case 413 -> "the request body is over the limit of " + config.api().maxBodyBytes()
                    + " bytes (corral.api.max-body-bytes)";
            case 414 -> "the request URI is too long";
            case 431 -> "the request headers are too large";
            case 500 -> "internal error";
            default -> HttpResponseStatus.valueOf(status).reasonPhrase().toLowerCase(Locale.ROOT);
        };
        // A client error's cause is the client's to know (a missing Host header, a bad escape);
        // a server error's is not.
        if (status < 500 && status != 404 && status != 413 && failure != null && failure.getMessage() != null) {
            message += ": " + failure.getMessage();
        }
        return message;
    }
}
