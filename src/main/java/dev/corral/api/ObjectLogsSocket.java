package dev.corral.api;

import dev.corral.runtime.ContainerRuntime;
import dev.corral.spec.ObjectKey;
import dev.corral.store.SpecStore;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The WebSocket side of {@code GET /specs/{kind}/[{session}/]{name}/logs}, on WebSockets Next: one
 * endpoint per path shape. {@link ObjectLogsRoute}, a Vert.x route ordered ahead of the endpoints,
 * has already checked the token, the path, the query and the object and taken the stream's permit
 * by the time an upgrade gets here, answering every refusal in JSON, which an
 * {@link HttpUpgradeCheck} could not (it rejects with an empty body). The route hands what it
 * found over on the request's Vert.x context; {@link Handover} moves it into the connection's user
 * data, and refuses (404) an upgrade the route did not prepare.
 */
@ApplicationScoped
public class ObjectLogsSocket {

    /** Every endpoint whose id starts with this is prepared by {@link ObjectLogsRoute#serveLog} ({@link Handover}). */
    public static final String ENDPOINT_PREFIX = "corral-logs-";
    static final String ENDPOINT = ENDPOINT_PREFIX + "object";
    static final String ENDPOINT_IN_SESSION = ENDPOINT_PREFIX + "object-in-session";

    private static final String OPENING = ObjectLogsSocket.class.getName() + ".opening";
    private static final UserData.TypedKey<Opening> OPENING_KEY = new UserData.TypedKey<>(OPENING);
    private static final UserData.TypedKey<ObjectLog> LOG = new UserData.TypedKey<>(ObjectLogsSocket.class.getName() + ".log");

    /** What the route found: the object, the query and the stream's permit. */
    record Opening(ObjectKey key, LogQuery query, StreamLimits.Permit permit) {
    }

    @Inject
    ContainerRuntime runtime;
    @Inject
    StatusWaiter waiter;
    @Inject
    SpecStore store;

    /** Called by the route on the request's context, just before it passes the upgrade on to the endpoint. */
    static void handOver(Opening opening) {
        Vertx.currentContext().putLocal(OPENING, opening);
    }

    /** Starts the log the route prepared for this connection; an endpoint's {@code @OnOpen} calls it. */
    public void open(WebSocketConnection connection) {
        Opening o = connection.userData().remove(OPENING_KEY);
        if (o == null) {
            connection.close().subscribe().with(v -> { }, failure -> { }); // not prepared: Handover refuses these
            return;
        }
        ObjectLog log = new ObjectLog(o.key(), o.query(), new LogOutput.WebSocket(connection), o.permit(), runtime,
                waiter, store);
        connection.userData().put(LOG, log);
        log.start();
    }

    /** The client closed the socket, or the log did: let the log go (idempotent). */
    public void closed(WebSocketConnection connection) {
        ObjectLog log = connection.userData().get(LOG);
        if (log != null) {
            log.stop();
        }
    }

    /** Moves the route's {@link Opening} from the request's context into the connection's user data. */
    @ApplicationScoped
    public static class Handover implements HttpUpgradeCheck {

        @Override
        public Uni<CheckResult> perform(HttpUpgradeContext context) {
            // WebSockets Next calls this synchronously from the route's rc.next(), on the same context.
            Context c = Vertx.currentContext();
            Opening o = c == null ? null : c.getLocal(OPENING);
            if (o == null) {
                return CheckResult.rejectUpgrade(404);
            }
            c.removeLocal(OPENING);
            context.userData().put(OPENING_KEY, o);
            return CheckResult.permitUpgrade();
        }

        @Override
        public boolean appliesTo(String endpointId) {
            return endpointId.startsWith(ENDPOINT_PREFIX);
        }
    }

    /** {@code /specs/{kind}/{name}/logs}. Nothing a client sends is read; its closing frame ends the log. */
    @WebSocket(path = "/specs/{kind}/{name}/logs", endpointId = ENDPOINT)
    public static class Endpoint {
        @Inject
        ObjectLogsSocket logs;

        /** Starts the log the route prepared for this connection. */
        @OnOpen
        @NonBlocking
        public void open(WebSocketConnection connection) {
            logs.open(connection);
        }

        @OnClose
        void close(WebSocketConnection connection) {
            logs.closed(connection);
        }
    }

    /** {@code /specs/{kind}/{session}/{name}/logs}. */
    @WebSocket(path = "/specs/{kind}/{session}/{name}/logs", endpointId = ENDPOINT_IN_SESSION)
    public static class EndpointInSession {
        @Inject
        ObjectLogsSocket logs;

        /** Starts the log the route prepared for this connection. */
        @OnOpen
        @NonBlocking
        public void open(WebSocketConnection connection) {
            logs.open(connection);
        }

        @OnClose
        void close(WebSocketConnection connection) {
            logs.closed(connection);
        }
    }
}
