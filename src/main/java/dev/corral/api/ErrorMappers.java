package dev.corral.api;

import dev.corral.http.ErrorBody;
import dev.corral.spec.InvalidSpecException;
import dev.corral.store.ConflictException;
import dev.corral.store.NotFoundException;
import dev.corral.store.StoreException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every failure into a JSON {@link ErrorBody} with the right status; nothing leaks as an HTML page or a stack trace. */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    @ServerExceptionMapper
    public Response invalid(InvalidSpecException e) {
        return json(400, new ErrorBody(e.getMessage(), e.errors()));
    }

    @ServerExceptionMapper
    public Response policy(dev.corral.admission.PolicyException e) {
        return json(403, new ErrorBody(e.getMessage(), e.errors()));
    }

    @ServerExceptionMapper
    public Response conflict(ConflictException e) {
        return json(409, new ErrorBody(e.getMessage(), e.errors()));
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return json(404, ErrorBody.of(e.getMessage()));
    }

    @ServerExceptionMapper
    public Response api(ApiException e) {
        Response r = json(e.status(), ErrorBody.of(e.getMessage()));
        if (e.retryAfterSeconds() != null) {
            r.getHeaders().add("Retry-After", e.retryAfterSeconds().toString());
        }
        return r;
    }

    /** No token, or one Corral does not know: 401 with the Bearer challenge. Never echoes the token. */
    @ServerExceptionMapper({io.quarkus.security.UnauthorizedException.class,
            io.quarkus.security.AuthenticationFailedException.class})
    public Response unauthorized(RuntimeException e) {
        Response r = json(401, ErrorBody.of("a valid token is required: send Authorization: Bearer <token>"));
        r.getHeaders().add("WWW-Authenticate", "Bearer realm=\"corral\"");
        return r;
    }

    /** A known token whose role is not enough. */
    @ServerExceptionMapper
    public Response forbidden(io.quarkus.security.ForbiddenException e) {
        return json(403, ErrorBody.of("this token's role does not allow this request"));
    }

    @ServerExceptionMapper
    public Response store(StoreException e) {
        LOG.error("store failure", e);
        return json(503, ErrorBody.of("the store could not complete the request: " + e.getMessage()));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String message = switch (status) {
            case 404 -> "no such resource";
            case 405 -> "method not allowed here";
            case 406 -> "cannot answer in the requested media type (use application/json or application/yaml)";
            case 413 -> "the request body is too large";
            case 415 -> "unsupported media type (use application/json or application/yaml)";
            default -> e.getMessage();
        };
        return json(status, ErrorBody.of(message));
    }

    @ServerExceptionMapper(priority = 10_000)
    public Response any(Throwable e) {
        LOG.error("unexpected failure", e);
        return json(500, ErrorBody.of("internal error: " + e.getClass().getSimpleName()));
    }

    static Response json(int status, ErrorBody body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }
}
