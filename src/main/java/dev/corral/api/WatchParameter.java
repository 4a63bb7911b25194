package dev.corral.api;

import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.net.URI;

/**
 * {@code GET /events?watch=true} turns the list into a stream. JAX-RS chooses a method by path and
 * media type, never by a query parameter, and a plain {@code curl} accepts both JSON and event
 * streams; so the parameter is read before matching and the request sent on to the stream's own
 * path. The flag is read strictly ({@link Flags}): {@code ?watch=yes} is a 400. (Not a method of the
 * resource: its role check would then run here, on the event loop, before the request is matched.)
 */
public class WatchParameter {

    @ServerRequestFilter(preMatching = true)
    public void route(ContainerRequestContext ctx, HttpServerRequest request) {
        if (!"GET".equals(ctx.getMethod()) || !"/events".equals(ctx.getUriInfo().getPath())) {
            return;
        }
        if (Flags.of(request, "watch")) {
            String query = ctx.getUriInfo().getRequestUri().getRawQuery();
            ctx.setRequestUri(URI.create(EventsResource.WATCH_PATH + (query == null ? "" : "?" + query)));
        }
    }
}
