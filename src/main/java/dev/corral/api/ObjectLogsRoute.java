package dev.corral.api;

import dev.corral.auth.Role;
import dev.corral.http.JsonErrorResponse;
import dev.corral.runtime.ContainerRuntime;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.store.NotFoundException;
import dev.corral.store.SpecStore;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /specs/{kind}/[{session}/]{name}/logs}: a Relic's, Agent's or ToolRun's log as
 * server-sent events, or as WebSocket messages when the request asks for an upgrade. A Vert.x
 * route rather than a resource method, because one path serves both and because
 * {@code /specs/relic/s1/logs} is also the Relic named "logs" in session s1: this route hands
 * that one on to {@link SpecsResource}. Being below RESTEasy, it checks the token's role itself
 * (the same identity the resources see); the cross-site guard has already looked at an upgrade.
 * An upgrade is checked here too (errors in JSON, the permit taken), then passed on to the
 * WebSockets Next endpoint behind this route, {@link ObjectLogsSocket}, which upgrades.
 */
@ApplicationScoped
public class ObjectLogsRoute {

    /** Where a route that hands on to {@link #serveLog} goes: after authentication, before WebSockets Next and RESTEasy. */
    public static final int ORDER = RouteOrder.OBJECT_LOGS;
    static final Pattern PATH = Pattern.compile("/specs/([^/]+)/([^/]+)(?:/([^/]+))?/logs");
    private static final String URL_PATH_TEMPLATE = "UrlPathTemplate";
    private static final String SEC_WEBSOCKET_KEY = "Sec-WebSocket-Key";

    @Inject
    SpecStore store;
    @Inject
    ContainerRuntime runtime;
    @Inject
    StatusWaiter waiter;
    @Inject
    StreamLimits streams;
    @Inject
    IdentityProviderManager identities;

    void register(@Observes Router router) {
        router.getWithRegex(PATH.pattern()).order(RouteOrder.OBJECT_LOGS).handler(this::handle);
    }

    void handle(RoutingContext rc) {
        Matcher m = PATH.matcher(rc.request().path());
        if (!m.matches()) {
            passOn(rc);
            return;
        }
        String kind = m.group(1);
        boolean inSession = m.group(3) != null;
        if (!inSession && Kind.ofPathName(kind).map(k -> k.sessionScope() == Kind.Scope.REQUIRED).orElse(true)) {
            passOn(rc); // the object named "logs" in session m.group(2) (or an unknown kind): SpecsResource answers
            return;
        }
        String session = inSession ? m.group(2) : null;
        String name = inSession ? m.group(3) : m.group(2);
        serveLog(rc, inSession ? "/specs/{kind}/{session}/{name}/logs" : "/specs/{kind}/{name}/logs",
                () -> ObjectPaths.key(kind, session, name));
    }

    /**
     * Serves the log of the object {@code key} names, as server-sent events or, on an upgrade, a
     * WebSocket of an endpoint whose id starts with {@link ObjectLogsSocket#ENDPOINT_PREFIX} and
     * which calls {@link ObjectLogsSocket#open} and {@link ObjectLogsSocket#closed}: after the
     * token's check, and with every refusal in JSON. {@code key} may throw {@link ApiException} or
     * {@link NotFoundException}, answered as such.
     *
     * @param template the path template, for the HTTP metrics' uri tag (as RESTEasy sets it), not one series per object
     */
    public void serveLog(RoutingContext rc, String template, Supplier<ObjectKey> key) {
        Context context = Vertx.currentContext();
        context.putLocal(URL_PATH_TEMPLATE, template);
        QuarkusHttpUser.getSecurityIdentity(rc, identities).subscribe().with(
                identity -> context.runOnContext(v -> authorized(rc, identity, key)),
                failure -> context.runOnContext(v -> unauthorized(rc)));
    }

    private void authorized(RoutingContext rc, SecurityIdentity identity, Supplier<ObjectKey> key) {
        if (!identity.hasRole(Role.R)) {
            if (identity.isAnonymous()) {
                unauthorized(rc);
            } else {
                JsonErrorResponse.send(rc, 403, "this token's role does not allow this request");
            }
            return;
        }
        try {
            serve(rc, key.get());
        } catch (ApiException e) {
            if (e.retryAfterSeconds() != null) {
                rc.response().putHeader("Retry-After", e.retryAfterSeconds().toString());
            }
            JsonErrorResponse.send(rc, e.status(), e.getMessage());
        } catch (NotFoundException e) {
            JsonErrorResponse.send(rc, 404, e.getMessage());
        } catch (RuntimeException e) {
            rc.fail(e); // answered as JSON by RouterErrorsAsJson
        }
    }

    private static void unauthorized(RoutingContext rc) {
        if (rc.response().headWritten()) {
            return; // a token Corral does not know: Quarkus has already sent the mechanism's challenge
        }
        rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"corral\"");
        JsonErrorResponse.send(rc, 401, "a valid token is required: send Authorization: Bearer <token>");
    }

    private void serve(RoutingContext rc, ObjectKey key) {
        if (key.kind() == Kind.Session || key.kind() == Kind.Tool) {
            throw ApiException.badRequest("a " + key.kind().name() + " has no container of its own; logs are those of"
                    + " a Relic, an Agent or a ToolRun (" + (key.kind() == Kind.Session
                    ? "/specs/relic/" + key.name() + "/{name}/logs" : "/runs/{name}/logs") + ")");
        }
        HttpServerRequest request = rc.request();
        LogQuery query = LogQuery.of(request.params(), Instant.now());
        if (store.get(key).isEmpty()) {
            throw new NotFoundException(key);
        }
        boolean upgrade = CrossSiteRequestGuard.isWebSocketUpgrade(request);
        if (upgrade && !request.headers().contains(SEC_WEBSOCKET_KEY)) {
            throw ApiException.badRequest("the WebSocket upgrade failed: no " + SEC_WEBSOCKET_KEY + " header");
        }
        StreamLimits.Permit permit = streams.acquire(request, "reading a log");
        if (!upgrade) {
            LogOutput.Sse out = new LogOutput.Sse(rc.response(), query.timestamps());
            ObjectLog log = new ObjectLog(key, query, out, permit, runtime, waiter, store);
            rc.response().closeHandler(v -> log.stop());
            log.start();
            return;
        }
        // Until the socket opens, the permit is given back if the connection closes (StreamLimits' sweep).
        ObjectLogsSocket.handOver(new ObjectLogsSocket.Opening(key, query, permit));
        rc.next(); // to the endpoint of WebSockets Next (ObjectLogsSocket), the next route for this path
    }

    /**
     * Hands a request that is not a log on to the next routes (RESTEasy). An upgrade loses its
     * {@code Sec-WebSocket-Key} first: WebSockets Next upgrades every request that has one on its
     * paths, and passes on only those without.
     */
    private static void passOn(RoutingContext rc) {
        rc.request().headers().remove(SEC_WEBSOCKET_KEY);
        rc.next();
    }
}
