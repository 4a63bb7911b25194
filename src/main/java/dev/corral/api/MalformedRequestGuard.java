package dev.corral.api;

import dev.corral.http.JsonErrorResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;

/**
 * Refuses, with Corral's JSON error, requests whose URI is too long or malformed or whose headers
 * are too large or malformed. Vert.x's, Netty's and Quarkus's own checks of these answer with an
 * empty body that cannot be given one (Quarkus does not expose
 * {@code HttpServer#invalidRequestHandler}), so application.properties sets Vert.x's size limits
 * far above these, {@link CorralMain} turns the URI and header checks off, and all are enforced
 * here, first, instead.
 */
@ApplicationScoped
public class MalformedRequestGuard {

    /** Longest request URI, in bytes (Vert.x's default initial-line limit). */
    static final int MAX_URI_BYTES = 4096;
    /** Largest total of the request's header lines (Quarkus's default {@code max-header-size}). */
    static final int MAX_HEADER_BYTES = 20 * 1024;

    void register(@Observes Router router) {
        router.route().order(RouteOrder.MALFORMED_REQUEST_GUARD).handler(this::check);
    }

    void check(RoutingContext rc) {
        String uri = rc.request().uri();
        if (uri.length() > MAX_URI_BYTES) {
            JsonErrorResponse.send(rc, 414, "the request URI is " + uri.length() + " bytes; the limit is " + MAX_URI_BYTES);
            return;
        }
        int headerBytes = 0;
        String badHeader = null;
        for (Map.Entry<String, String> header : rc.request().headers()) {
            headerBytes += header.getKey().length() + 2 + header.getValue().length();
            if (badHeader == null) {
                badHeader = headerProblem(header.getKey(), header.getValue());
            }
        }
        if (headerBytes > MAX_HEADER_BYTES) {
            JsonErrorResponse.send(rc, 431, "the request headers are " + headerBytes + " bytes; the limit is " + MAX_HEADER_BYTES);
            return;
        }
        if (badHeader != null) {
            JsonErrorResponse.send(rc, 400, "malformed request header: " + badHeader);
            return;
        }
        String problem = uriProblem(uri);
        if (problem != null) {
            JsonErrorResponse.send(rc, 400, "malformed request URI: " + problem);
            return;
        }
        rc.next();
    }

    /**
     * Why a header field breaks RFC 9110 section 5 (a name that is not a token, a value holding a
     * control byte other than a tab), or null. The name in the message is cut short and its control
     * bytes shown as escapes: it is the client's text.
     */
    static String headerProblem(String name, String value) {
        if (name.isEmpty()) {
            return "a header with an empty name";
        }
        for (int i = 0; i < name.length(); i++) {
            if (!isTokenChar(name.charAt(i))) {
                return "the header name " + shown(name) + " holds " + shown(name.substring(i, i + 1))
                        + ", which a header name cannot";
            }
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return "the value of " + shown(name) + " holds the control byte " + String.format("0x%02x", (int) c);
            }
        }
        return null;
    }

    private static boolean isTokenChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private static String shown(String text) {
        StringBuilder b = new StringBuilder("'");
        for (int i = 0; i < Math.min(text.length(), 64); i++) {
            char c = text.charAt(i);
            b.append(c < 0x20 || c >= 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return b.append(text.length() > 64 ? "...'" : "'").toString();
    }

    /** Why the URI is unusable (bad percent-encoding, control bytes, spaces), or null. */
    static String uriProblem(String uri) {
        try {
            new URI(uri);
            return null;
        } catch (URISyntaxException e) {
            return e.getReason() + " at index " + e.getIndex();
        }
    }
}
