package dev.corral.seeds;

import dev.corral.api.ApiException;
import dev.corral.api.ObjectLogsRoute;
import dev.corral.api.ObjectLogsSocket;
import dev.corral.spec.Kind;
import dev.corral.store.SpecStore;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * LAIS's {@code WS /api/containers/{id}/logs/stream}: an agent's log followed across restarts,
 * one WebSocket message per line, exactly as {@code /specs/agent/{name}/logs} sends it (the same
 * checks, caps and JSON refusals before the upgrade: {@link ObjectLogsRoute#serveLog}). Without an
 * upgrade, the same path answers with server-sent events. The stream follows unless the query says
 * {@code follow=false}.
 */
@ApplicationScoped
public class LaisLogsRoute {

    static final String PATH = "/api/containers/:id/logs/stream";
    static final String ENDPOINT = ObjectLogsSocket.ENDPOINT_PREFIX + "lais";

    @Inject
    ObjectLogsRoute logs;
    @Inject
    SpecStore store;

    void register(@Observes Router router) {
        router.get(PATH).order(ObjectLogsRoute.ORDER).handler(this::handle);
    }

    void handle(RoutingContext rc) {
        String id = rc.pathParam("id");
        if (!rc.request().params().contains("follow")) {
            rc.request().params().add("follow", "true");
        }
        logs.serveLog(rc, "/api/containers/{id}/logs/stream", () -> SeedLookup.find(store, Kind.Agent, null, id)
                .orElseThrow(() -> ApiException.notFound("no agent container " + id)).key());
    }

    /** The WebSocket endpoint behind the route. */
    @WebSocket(path = "/api/containers/{id}/logs/stream", endpointId = ENDPOINT)
    public static class Endpoint {
        @Inject
        ObjectLogsSocket sockets;

        @OnOpen
        @NonBlocking
        void open(WebSocketConnection connection) {
            sockets.open(connection);
        }

        @OnClose
        void close(WebSocketConnection connection) {
            sockets.closed(connection);
        }
    }
}
