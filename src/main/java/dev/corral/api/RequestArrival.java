package dev.corral.api;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Notes when each request reached Corral, before any other handler, so that what a request costs
 * (a run's {@code admission} stage) counts its body's reading, the hand-off to a worker thread
 * and the filters too, not only the resource method.
 */
@ApplicationScoped
public class RequestArrival {

    private static final String KEY = "corral.arrivedAtNanos";

    void register(@Observes Router router) {
        router.route().order(RouteOrder.ARRIVAL).handler(rc -> {
            rc.put(KEY, System.nanoTime());
            rc.next();
        });
    }

    /** The {@link System#nanoTime()} of the request's arrival; now if it was not noted. */
    static long of(RoutingContext rc) {
        Long at = rc == null ? null : rc.get(KEY);
        return at != null ? at : System.nanoTime();
    }
}
