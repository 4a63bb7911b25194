package dev.corral.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.corral.spec.Json;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/**
 * Writes an {@link ErrorBody} straight onto the Vert.x response, for the errors Corral answers
 * below RESTEasy (route filters, router failures, the bearer challenge), where no exception mapper runs.
 */
public final class JsonErrorResponse {

    private JsonErrorResponse() {
    }

    public static void send(RoutingContext rc, int status, String message) {
        HttpServerResponse response = rc.response();
        if (response.ended() || response.closed()) {
            return;
        }
        if (response.headWritten()) {
            // Too late for an error body: cut the response short rather than append to it.
            response.close();
            return;
        }
        HttpServerRequest request = rc.request();
        if (hasUnreadBody(request)) {
            // The connection cannot carry another request until the body is through: ask the
            // client to close it (closing it here would reset it before the client reads this).
            response.putHeader(HttpHeaders.CONNECTION, "close");
        }
        response.setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(json(ErrorBody.of(message)));
    }

    static String json(ErrorBody body) {
        try {
            return Json.MAPPER.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an ErrorBody always serializes", e);
        }
    }

    private static boolean hasUnreadBody(HttpServerRequest request) {
        if (request.isEnded() || request.version() == HttpVersion.HTTP_2) {
            return false;
        }
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        return request.headers().contains(HttpHeaders.TRANSFER_ENCODING)
                || (length != null && !length.trim().equals("0"));
    }
}
