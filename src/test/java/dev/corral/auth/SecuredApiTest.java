package dev.corral.auth;

import dev.corral.support.Rest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tokens and roles per endpoint class, token file changes, policy refusals, the audit log and TLS. */
@QuarkusTest
@TestProfile(SecuredProfile.class)
class SecuredApiTest {

    @BeforeAll
    static void rest() {
        Rest.configure();
    }

    /** One class of endpoint: a request, and the least role that may make it. */
    record Endpoint(String name, Role least, Function<RequestSpecification, Response> call, boolean json) {
    }

    private static final String TOOL = "apiVersion: corral.dev/v1\nkind: Tool\nmetadata: {name: t1}\nspec: {image: corral/busybox:latest}\n";

    static List<Endpoint> endpoints() {
        return List.of(
                new Endpoint("GET /specs", Role.READ, r -> r.get("/specs"), true),
                new Endpoint("GET /specs/tool/x", Role.READ, r -> r.get("/specs/tool/x"), true),
                // A bad version: an allowed watch answers 400 at once instead of streaming.
                new Endpoint("GET /specs?watch=true", Role.READ, r -> r.get("/specs?watch=true&resourceVersion=x"), true),
                new Endpoint("GET /sources", Role.READ, r -> r.get("/sources"), true),
                new Endpoint("GET /pools", Role.READ, r -> r.get("/pools"), true),
                new Endpoint("GET /events", Role.READ, r -> r.get("/events"), true),
                new Endpoint("GET /specs/tool/x/events", Role.READ, r -> r.get("/specs/tool/x/events"), true),
                new Endpoint("GET /runs/x", Role.READ, r -> r.get("/runs/x"), true),
                new Endpoint("GET /specs/agent/x/logs", Role.READ, r -> r.get("/specs/agent/x/logs"), true),
                new Endpoint("GET /q/metrics", Role.READ, r -> r.get("/q/metrics"), true),
                new Endpoint("GET /q/openapi", Role.READ, r -> r.get("/q/openapi"), true),
                new Endpoint("GET /q/swagger-ui/", Role.READ, r -> r.redirects().follow(false).get("/q/swagger-ui/"), true),
                new Endpoint("POST /runs", Role.RUN, r -> r.contentType("application/json")
                        .body("{\"language\": \"bash\", \"code\": \"true\"}").post("/runs"), true),
                new Endpoint("POST /runs/x/cancel", Role.RUN, r -> r.post("/runs/x/cancel"), true),
                new Endpoint("POST /execute", Role.RUN, r -> r.contentType("application/json").body("[]")
                        .post("/execute"), true),
                new Endpoint("PUT /specs", Role.WRITE, r -> r.contentType("application/yaml").queryParam("dryRun", "true")
                        .body(TOOL).put("/specs"), true),
                new Endpoint("DELETE /specs/tool/x", Role.WRITE, r -> r.delete("/specs/tool/x"), true),
                new Endpoint("DELETE /runs/x", Role.WRITE, r -> r.delete("/runs/x"), true));
    }

    private static String token(Role r) {
        return switch (r) {
            case READ -> SecuredProfile.READ;
            case RUN -> SecuredProfile.RUN;
            case WRITE -> SecuredProfile.WRITE;
            case ADMIN -> SecuredProfile.ADMIN;
        };
    }

    private static RequestSpecification as(String token) {
        RequestSpecification r = given();
        return token == null ? r : r.header("Authorization", "Bearer " + token);
    }

    @Test
    void everyEndpointClassNeedsItsRole() {
        List<String> wrong = new ArrayList<>();
        for (Endpoint e : endpoints()) {
            for (String bad : new String[]{null, "not-a-known-token-at-all"}) {
                Response r = e.call().apply(as(bad));
                if (r.statusCode() != 401 || !String.valueOf(r.header("WWW-Authenticate")).startsWith("Bearer")
                        || (e.json() && !(String.valueOf(r.contentType()).startsWith("application/json")
                                && r.asString().contains("\"error\":\"a valid token is required")))) {
                    wrong.add(e.name() + " with " + (bad == null ? "no token" : "an unknown token") + ": "
                            + r.statusCode() + " " + r.header("WWW-Authenticate") + " " + r.asString());
                }
                assertFalse(r.asString().contains("not-a-known-token"), "a token is never echoed");
            }
            for (Role role : Role.values()) {
                Response r = e.call().apply(as(token(role)));
                boolean allowed = role.ordinal() >= e.least().ordinal();
                boolean ok = allowed ? r.statusCode() != 401 && r.statusCode() != 403
                        : r.statusCode() == 403 && r.asString().contains("\"error\"");
                if (!ok) {
                    wrong.add(e.name() + " as " + role.id() + ": " + r.statusCode() + " " + r.asString());
                }
            }
        }
        assertEquals(List.of(), wrong);
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void aChangedTokensFileTakesEffectWithoutARestart() {
        String fresh = "fresh-read-token-0123456789";
        try {
            SecuredProfile.writeTokens(SecuredProfile.tokens().replace("reader read " + SecuredProfile.READ,
                    "reader2 read " + fresh));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                as(SecuredProfile.READ).get("/specs").then().statusCode(401);
                as(fresh).get("/specs").then().statusCode(200);
            });
            // A file made unusable revokes every token until it is fixed: failing closed.
            SecuredProfile.writeTokens("this line is not three fields\n");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    as(SecuredProfile.ADMIN).get("/specs").then().statusCode(401));
        } finally {
            SecuredProfile.writeTokens(SecuredProfile.tokens());
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    as(SecuredProfile.READ).get("/specs").then().statusCode(200));
        }
    }

    private static Response apply(String yaml) {
        return as(SecuredProfile.WRITE).contentType("application/yaml").body(yaml).put("/specs");
    }

    @Test
    void policyRefusesWithFieldPathsAndChangesNothing() {
        String head = "apiVersion: corral.dev/v1\n";
        apply(head + "kind: Relic\nmetadata: {name: r, session: p1}\nspec: {image: evil/miner:latest}\n").then()
                .statusCode(403).body("error", equalTo("forbidden by policy"))
                .body("details[0].path", equalTo("spec.image")).body("details[0].document", equalTo(0));
        apply(head + "kind: Relic\nmetadata: {name: r, session: p1}\nspec: {image: corral/busybox:latest, "
                + "resources: {memoryMb: 1024}}\n").then()
                .statusCode(403).body("details[0].path", equalTo("spec.resources.memoryMb"))
                .body("details[0].message", containsString("at most 512"));
        as(SecuredProfile.READ).get("/specs/relic/p1/r").then().statusCode(404);

        String relic = head + "kind: Relic\nmetadata: {name: %s, session: p1}\nspec: {image: corral/busybox:latest}\n";
        apply(head + "kind: Session\nmetadata: {name: p1}\n---\n" + relic.formatted("a") + "---\n" + relic.formatted("b"))
                .then().statusCode(200);
        apply(relic.formatted("c")).then().statusCode(403).body("details[0].path", equalTo("metadata.session"))
                .body("details[0].message", containsString("max-relics-per-session"));
        apply(relic.formatted("a")).then().statusCode(200); // re-declaring one is not one more

        // Unfinished runs per session (the loop is off: a run stays pending).
        apply(TOOL).then().statusCode(200);
        as(SecuredProfile.RUN).contentType("application/json").body("{\"tool\": \"t1\", \"session\": \"p1\"}")
                .post("/runs").then().statusCode(201);
        as(SecuredProfile.RUN).contentType("application/json").body("{\"tool\": \"t1\", \"session\": \"p1\"}")
                .post("/runs").then().statusCode(403).body("details[0].message", containsString("max-runs-per-session"));

        // A specs file that breaks the policy changes nothing and says why in /sources.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> as(SecuredProfile.READ).get("/sources").then()
                .body("items.find { it.source == 'file:forbidden.yaml' }.errors.message", hasItem(containsString("not allowed"))));
        as(SecuredProfile.READ).get("/specs/tool/from-file").then().statusCode(404);
    }

    @Test
    void everyChangingRequestIsAuditedWithoutSecrets() throws Exception {
        apply(TOOL.replace("t1", "audited")).then().statusCode(200);
        as(SecuredProfile.READ).contentType("application/yaml").body(TOOL).put("/specs").then().statusCode(403);
        as(SecuredProfile.WRITE).delete("/specs/tool/audited").then().statusCode(200);
        as(SecuredProfile.RUN).contentType("application/json").body("{\"language\": \"bash\", \"code\": \"true\", \"name\": \"audit-run\"}")
                .post("/runs").then().statusCode(201);
        as(SecuredProfile.RUN).post("/runs/audit-run/cancel").then().statusCode(202);
        as(null).delete("/specs/tool/x").then().statusCode(401);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String all = auditText();
            assertTrue(all.contains("\"user\":\"writer\",\"remote\":\"127.0.0.1\",\"method\":\"PUT\",\"path\":\"/specs\",\"status\":200,"
                    + "\"objects\":[{\"kind\":\"Tool\",\"name\":\"audited\",\"action\":\"created\"}]"), all);
            assertTrue(all.contains("\"user\":\"reader\",\"remote\":\"127.0.0.1\",\"method\":\"PUT\",\"path\":\"/specs\",\"status\":403"), all);
            assertTrue(all.contains("\"method\":\"DELETE\",\"path\":\"/specs/tool/audited\",\"status\":200,"
                    + "\"objects\":[{\"kind\":\"Tool\",\"name\":\"audited\",\"action\":\"deleted\"}]"), all);
            assertTrue(all.contains("\"objects\":[{\"kind\":\"ToolRun\",\"name\":\"audit-run\",\"action\":\"created\"}]"), all);
            assertTrue(all.contains("\"path\":\"/runs/audit-run/cancel\",\"status\":202,"
                    + "\"objects\":[{\"kind\":\"ToolRun\",\"name\":\"audit-run\",\"action\":\"cancelled\"}]"), all);
            assertTrue(all.contains("\"user\":\"anonymous\",\"remote\":\"127.0.0.1\",\"method\":\"DELETE\",\"path\":\"/specs/tool/x\",\"status\":401"), all);
        });
        String all = auditText();
        for (String secret : new String[]{SecuredProfile.READ, SecuredProfile.RUN, SecuredProfile.WRITE, SecuredProfile.ADMIN,
                "corral/busybox"}) {
            assertFalse(all.contains(secret), "the audit log holds no token and no body: " + secret);
        }
        // Rotated by size (4 KiB here), keeping two files.
        for (int i = 0; i < 40; i++) {
            apply(TOOL.replace("t1", "rot" + i)).then().statusCode(200);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(SecuredProfile.DATA.resolve("audit.log.2")));
        assertFalse(Files.exists(SecuredProfile.DATA.resolve("audit.log.3")));
        assertTrue(Files.size(SecuredProfile.DATA.resolve("audit.log.1")) <= 4096);
    }

    private static String auditText() throws Exception {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> files = Files.list(SecuredProfile.DATA)) {
            for (Path p : files.filter(f -> f.getFileName().toString().startsWith("audit.log")).sorted().toList()) {
                b.append(Files.readString(p));
            }
        }
        return b.toString();
    }

    @Test
    void tlsServesTheApiWithTheConfiguredCertificate() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(SecuredProfile.KEYSTORE)) {
            trust.load(in, SecuredProfile.KEYSTORE_PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        HttpClient client = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
        String base = "https://localhost:" + SecuredProfile.TLS_PORT;
        HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create(base + "/q/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
        HttpResponse<String> specs = client.send(HttpRequest.newBuilder(URI.create(base + "/specs"))
                .header("Authorization", "Bearer " + SecuredProfile.READ).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, specs.statusCode(), specs.body());
        HttpResponse<String> anonymous = client.send(HttpRequest.newBuilder(URI.create(base + "/specs")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode());
    }

    @Test
    void theLogsWebSocketNeedsAReadToken() {
        URI uri = URI.create("ws://localhost:" + io.restassured.RestAssured.port + "/specs/relic/s1/none/logs");
        for (String[] headers : new String[][]{{}, {"Authorization", "Bearer not-a-known-token-at-all"}}) {
            java.util.concurrent.CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(
                    java.util.concurrent.CompletionException.class, () -> dev.corral.support.LogStreams.webSocket(uri, headers));
            assertEquals(401, ((java.net.http.WebSocketHandshakeException) e.getCause()).getResponse().statusCode());
        }
        // A read token passes the check: the relic does not exist.
        java.util.concurrent.CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.CompletionException.class, () -> dev.corral.support.LogStreams.webSocket(uri,
                        "Authorization", "Bearer " + SecuredProfile.READ));
        assertEquals(404, ((java.net.http.WebSocketHandshakeException) e.getCause()).getResponse().statusCode());
    }
}
