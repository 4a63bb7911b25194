package dev.corral.api;

/**
 * The order of Corral's own Vert.x route handlers, all ahead of Quarkus's (whose first ones are
 * at {@code Integer.MIN_VALUE + 1}) and of RESTEasy: malformed requests are refused before
 * anything looks at them, cross-site ones before their body is read.
 */
final class RouteOrder {

    /** Only notes the time, first or beside the guard (whose checks take microseconds). */
    static final int ARRIVAL = Integer.MIN_VALUE;
    static final int MALFORMED_REQUEST_GUARD = Integer.MIN_VALUE;
    static final int CROSS_SITE_GUARD = Integer.MIN_VALUE + 1;
    static final int BODY_LIMIT = Integer.MIN_VALUE + 2;
    static final int BLANK_ACCEPT = Integer.MIN_VALUE + 3;

    /**
     * The logs route (SSE and WebSocket) runs after Quarkus's authentication (-200) and
     * authorization (-100) handlers, so it finds the request's identity, and before RESTEasy.
     */
    static final int OBJECT_LOGS = -50;

    /** The failure handler that turns every router failure into JSON runs before Quarkus's (last). */
    static final int ROUTER_FAILURES = Integer.MIN_VALUE;

    private RouteOrder() {
    }
}
