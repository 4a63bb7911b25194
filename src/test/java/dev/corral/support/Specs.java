package dev.corral.support;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

import java.time.Duration;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Applying specs and reading status through the API, for the reconcile integration tests. */
public final class Specs {

    public static final Duration CONVERGE = Duration.ofSeconds(60);

    static {
        Rest.configure();
    }

    private Specs() {
    }

    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** PUTs YAML and expects 200. */
    public static JsonPath apply(String yaml) {
        Rest.configure();
        return given().contentType("application/yaml").body(yaml).put("/specs").then().statusCode(200)
                .extract().jsonPath();
    }

    public static void delete(String path) {
        given().delete("/specs/" + path).then().statusCode(org.hamcrest.Matchers.anyOf(
                org.hamcrest.Matchers.equalTo(200), org.hamcrest.Matchers.equalTo(404)));
    }

    /** The object as JSON ({@code relic/s1/web}); null if absent. */
    public static JsonPath get(String path) {
        var r = given().accept(ContentType.JSON).get("/specs/" + path);
        return r.statusCode() == 404 ? null : r.then().statusCode(200).extract().jsonPath();
    }

    public static String phase(String path) {
        JsonPath o = get(path);
        return o == null ? null : o.getString("status.phase");
    }

    /** Waits until the object's phase is {@code phase}; returns the object. */
    public static JsonPath awaitPhase(String path, String phase) {
        await().atMost(CONVERGE).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertEquals(phase, phase(path), () -> {
                    JsonPath o = get(path);
                    return path + ": " + (o == null ? "absent" : o.prettify());
                }));
        return get(path);
    }

    public static String session(String name) {
        return """
                apiVersion: corral.dev/v1
                kind: Session
                metadata: {name: %s}
                """.formatted(name);
    }

    /** A busybox httpd relic serving /www on port 8080, with an HTTP probe. */
    public static String httpRelic(String session, String name, String extraSpec) {
        return """
                apiVersion: corral.dev/v1
                kind: Relic
                metadata: {name: %s, session: %s}
                spec:
                  image: corral/busybox:latest
                  command: ["httpd", "-f", "-p", "8080", "-h", "/www"]
                  port: 8080
                  resources: {memoryMb: 32, cpus: 0.2, pids: 32}
                  health:
                    http: {path: /, port: 8080}
                    periodSeconds: 1
                    failureThreshold: 2
                %s""".formatted(name, session, extraSpec.isEmpty() ? "" : extraSpec.indent(2));
    }
}
