package dev.corral.api;

/**
 * Boolean query parameters ({@code ?dryRun}, {@code ?wait}, {@code ?follow}, ...), parsed strictly:
 * {@code true}/{@code 1}, {@code false}/{@code 0}, and a bare {@code ?dryRun} (empty value) means
 * true. Anything else is a 400: a typo ({@code ?dryRun=maybe}) must never turn a dry run into a
 * real one, as a lenient parse to false would.
 */
final class Flags {

    private Flags() {
    }

    /**
     * The flag as the request sent it: {@code ?dryRun=} and a bare {@code ?dryRun} are true, which
     * JAX-RS parameter injection cannot tell from an absent parameter.
     */
    static boolean of(io.vertx.core.http.HttpServerRequest request, String name) {
        return request.params().contains(name) ? of(name, request.params().get(name)) : false;
    }

    static boolean of(String name, String value) {
        if (value == null) {
            return false;
        }
        return switch (value.trim()) {
            case "true", "1", "" -> true;
            case "false", "0" -> false;
            default -> throw ApiException.badRequest(name + " must be true or false (or 1 or 0), not \""
                    + (value.length() <= 32 ? value : value.substring(0, 29) + "...") + "\"");
        };
    }
}
