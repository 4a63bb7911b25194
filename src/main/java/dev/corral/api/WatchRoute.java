package dev.corral.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.net.URI;

/**
 * Sends {@code GET /specs?watch=true} to the watch method. JAX-RS chooses a method by path and
 * media type, never by query parameter, and a method that streams server-sent events cannot also
 * answer a list; so before matching, a true {@code watch} turns the path into {@code /specs/watch}
 * (which no object path can be: those have two or three segments), query kept as sent. That path
 * is thus an alias of the watch, left out of the API description.
 */
public class WatchRoute {

    static final String PATH = "watch";

    @ServerRequestFilter(preMatching = true)
    public void route(ContainerRequestContext request) {
        if (!"GET".equals(request.getMethod())) {
            return;
        }
        String path = request.getUriInfo().getPath();
        if (!"/specs".equals(path) && !"/specs/".equals(path)) {
            return;
        }
        String watch = request.getUriInfo().getQueryParameters().getFirst("watch");
        // An invalid value stays on the list, which answers it with a 400.
        if (!request.getUriInfo().getQueryParameters().containsKey("watch") || !isTrue(watch)) {
            return;
        }
        URI uri = request.getUriInfo().getRequestUri();
        String s = uri.toString();
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
