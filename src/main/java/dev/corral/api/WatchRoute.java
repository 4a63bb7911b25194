package dev.corral.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.net.URI;
import java.util.Set;

/**
 * Sends {@code GET /specs?watch=true} and {@code GET /events?watch=true} to their streams. JAX-RS
 * chooses a method by path and media type, never by query parameter, and a method that streams
 * server-sent events cannot also answer a list; so before matching, a true {@code watch} turns the
 * path into {@code /specs/watch} or {@code /events/watch} (no object path can be either: those have
 * two or three segments), query kept as sent. Those paths are thus aliases of the watches, left out
 * of the API description. An invalid value stays on the list, which answers it with a 400. (A filter,
 * not a method of the resource: its role check would then run here, on the event loop, before the
 * request is matched.)
 */
public class WatchRoute {

    /** The stream's path under its list's resource. */
    static final String PATH = "watch";

    private static final Set<String> LISTS = Set.of("/specs", "/specs/", "/events", "/events/");

    @ServerRequestFilter(preMatching = true)
    public void route(ContainerRequestContext request) {
        if (!"GET".equals(request.getMethod()) || !LISTS.contains(request.getUriInfo().getPath())) {
            return;
        }
        var params = request.getUriInfo().getQueryParameters();
        if (!params.containsKey("watch") || !isTrue(params.getFirst("watch"))) {
            return;
        }
        String s = request.getUriInfo().getRequestUri().toString();
        int q = s.indexOf('?');
        String target = q < 0 ? s : s.substring(0, q);
        target = (target.endsWith("/") ? target : target + "/") + PATH + (q < 0 ? "" : s.substring(q));
        request.setRequestUri(URI.create(target));
        // A watch answers server-sent events only, whatever the client says it accepts (curl's */*,
        // an EventSource's text/event-stream, or a JSON client's application/json).
        request.getHeaders().putSingle(HttpHeaders.ACCEPT, MediaType.SERVER_SENT_EVENTS);
    }

    private static boolean isTrue(String value) {
        try {
            return Flags.of("watch", value == null ? "" : value);
        } catch (ApiException e) {
            return false;
        }
    }
}
