package dev.corral.api;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Starts Corral. It only differs from Quarkus's own entry point in one switch, which must be set
 * before Quarkus creates its HTTP server: Quarkus answers a request URI that {@link java.net.URI}
 * cannot parse (bad percent-encoding, control bytes) with an empty 400 before any route or filter
 * sees it. With {@code vertx.disableURIValidation} the request reaches the router, where
 * {@link MalformedRequestGuard} makes the same check first and answers with Corral's JSON error.
 */
@QuarkusMain
public final class CorralMain {

    static final String URI_VALIDATION_SWITCH = "vertx.disableURIValidation";

    public static void main(String... args) {
        if (System.getProperty(URI_VALIDATION_SWITCH) == null) {
            System.setProperty(URI_VALIDATION_SWITCH, "true");
        }
        Quarkus.run(args);
    }
}
