package dev.corral.api;

/** A request the API refuses, with the HTTP status and a message for the client. */
public class ApiException extends RuntimeException {

    private final int status;
    private final Integer retryAfterSeconds;

    public ApiException(int status, String message) {
        this(status, message, null);
    }

    private ApiException(int status, String message, Integer retryAfterSeconds) {
        super(message);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    /** Seconds after which a client may retry (a {@code Retry-After} header), or null. */
    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** 429: too many of something at once; the client retries after {@code seconds}. */
    public static ApiException tooMany(String message, int seconds) {
        return new ApiException(429, message, seconds);
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message);
    }
}
