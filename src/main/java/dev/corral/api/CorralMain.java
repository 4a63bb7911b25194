package dev.corral.api;

import dev.corral.store.SnapshotPreload;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

import java.nio.file.Path;

/**
 * Starts Corral. It only differs from Quarkus's own entry point in two switches, which must be set
 * before Quarkus creates its HTTP server (Vert.x reads them once, when its classes load). Quarkus
 * answers a request URI that {@link java.net.URI} cannot parse (bad percent-encoding, control
 * bytes), and Netty a header holding a control byte (a NUL), with an empty 400 before any route or
 * filter sees the request. With {@code vertx.disableURIValidation} and
 * {@code vertx.disableHttpHeadersValidation} the request reaches the router, where
 * {@link MalformedRequestGuard} makes the same checks first and answers with Corral's JSON error.
 * Response headers lose Netty's check too: Corral only sends constant header values or values it
 * has validated (names, resourceVersions), never a client's text.
 *
 * <p>It also starts reading the store's snapshot ahead ({@link SnapshotPreload}), on the other core,
 * while Quarkus boots.
 */
@QuarkusMain
public final class CorralMain {

    static final String URI_VALIDATION_SWITCH = "vertx.disableURIValidation";
    static final String HEADER_VALIDATION_SWITCH = "vertx.disableHttpHeadersValidation";

    public static void main(String... args) {
        for (String property : new String[]{URI_VALIDATION_SWITCH, HEADER_VALIDATION_SWITCH}) {
            if (System.getProperty(property) == null) {
                System.setProperty(property, "true");
            }
        }
        if ("file".equals(setting("corral.store.kind", "CORRAL_STORE_KIND", "file"))) {
            SnapshotPreload.start(Path.of(setting("corral.data-dir", "CORRAL_DATA_DIR", "./data")));
        }
        Quarkus.run(args);
    }

    /**
     * A setting as Quarkus will most likely see it, read before its configuration exists: the system
     * property, the environment variable, the default. A guess is enough here (see SnapshotPreload).
     */
    private static String setting(String property, String variable, String fallback) {
        String value = System.getProperty(property);
        if (value == null) {
            value = System.getenv(variable);
        }
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}
