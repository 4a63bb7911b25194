package dev.corral.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every error Corral sends is its JSON error, also those the HTTP layer below RESTEasy produces,
 * and mutating requests from other sites are refused. Requests a normal client refuses to send
 * go over a raw socket.
 */
@QuarkusTest
@TestProfile(HttpLayerErrorsTest.Profile.class)
class HttpLayerErrorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL base;

    // ---- errors below RESTEasy ----

    @Test
    void badPercentEncodingInThePathIs400Json() throws IOException {
        assertJsonError(raw("GET /specs/%zz HTTP/1.1\r\nHost: " + host() + "\r\n\r\n"), 400);
    }

    @Test
    void controlBytesInThePathAre400Json() throws IOException {
        assertJsonError(raw("GET /specs/a\u0001b HTTP/1.1\r\nHost: " + host() + "\r\n\r\n"), 400);
    }

    @Test
    void aUriOver4096BytesIs414Json() throws IOException {
        String path = "/specs/" + "a".repeat(MalformedRequestGuard.MAX_URI_BYTES);
        assertJsonError(raw("GET " + path + " HTTP/1.1\r\nHost: " + host() + "\r\n\r\n"), 414);
    }

    @Test
    void oversizedHeadersAre431Json() throws IOException {
        String big = "x".repeat(MalformedRequestGuard.MAX_HEADER_BYTES);
        assertJsonError(raw("GET /specs HTTP/1.1\r\nHost: " + host() + "\r\nX-Big: " + big + "\r\n\r\n"), 431);
    }

    @Test
    void asteriskRequestTargetsAre404Json() throws IOException {
        assertJsonError(raw("OPTIONS * HTTP/1.1\r\nHost: " + host() + "\r\n\r\n"), 404);
        assertJsonError(raw("GET * HTTP/1.1\r\nHost: " + host() + "\r\n\r\n"), 404);
    }

    @Test
    void aMissingHostHeaderIs400Json() throws IOException {
        assertJsonError(raw("GET /specs HTTP/1.1\r\n\r\n"), 400);
    }

    @Test
    void unmatchedRoutesOutsideTheApiAre404Json() throws IOException {
        assertJsonError(raw("GET /q/no-such-page HTTP/1.1\r\nHost: " + host() + "\r\n\r\n"), 404);
        assertJsonError(raw("GET /no/such/thing HTTP/1.1\r\nHost: " + host() + "\r\n\r\n"), 404);
    }

    @Test
    void aNulByteInAHeaderIs400Json() throws IOException {
        String error = assertJsonError(raw("GET /specs HTTP/1.1\r\nHost: " + host() + "\r\nX-Test: a\u0000b\r\n\r\n"), 400)
                .get("error").asText();
        assertTrue(error.contains("X-Test") && error.contains("0x00"), error);
        assertJsonError(raw("PUT /specs HTTP/1.1\r\nHost: " + host() + "\r\nX-Test: \u0001\r\nContent-Length: 0\r\n\r\n"), 400);
    }

    @Test
    void aHeaderNameThatIsNotATokenIs400Json() throws IOException {
        assertJsonError(raw("GET /specs HTTP/1.1\r\nHost: " + host() + "\r\nX(Test): a\r\n\r\n"), 400);
    }

    @Test
    void tabsAndHighBytesInHeaderValuesPass() throws IOException {
        RawResponse response = raw("GET /specs HTTP/1.1\r\nHost: " + host() + "\r\nX-Test: a\tb\u00e9\r\n\r\n");
        assertEquals(200, response.status, response::toString);
    }

    @Test
    void aChunkedBodyOverTheLimitIs413Json() throws IOException, InterruptedException {
        int chunk = 64 * 1024;
        int chunks = (9 * 1024 * 1024) / chunk;
        RawResponse response = rawStreaming("PUT /specs HTTP/1.1\r\nHost: " + host()
                + "\r\nContent-Type: application/yaml\r\nTransfer-Encoding: chunked\r\n\r\n", out -> {
            byte[] data = new byte[chunk];
            Arrays.fill(data, (byte) 'a');
            byte[] size = (Integer.toHexString(chunk) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            try {
                for (int i = 0; i < chunks; i++) {
                    out.write(size);
                    out.write(data);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // The server may hang up once it has answered.
            }
        });
        JsonNode body = assertJsonError(response, 413);
        assertTrue(body.get("error").asText().contains("corral.api.max-body-bytes"), response::toString);
    }

    @Test
    void aChunkedBodyUnderTheLimitIsApplied() throws IOException {
        String name = unique("tool");
        String yaml = "apiVersion: corral.dev/v1\nkind: Tool\nmetadata: {name: " + name + "}\nspec: {image: corral/busybox}\n";
        byte[] bytes = yaml.getBytes(StandardCharsets.UTF_8);
        RawResponse response = raw("PUT /specs HTTP/1.1\r\nHost: " + host()
                + "\r\nContent-Type: application/yaml\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(bytes.length) + "\r\n" + yaml + "\r\n0\r\n\r\n");
        assertEquals(200, response.status, response::toString);
        assertEquals("created", JSON.readTree(response.body).at("/items/0/action").asText(), response::toString);
    }

    @Test
    void aDeclaredLengthOverTheLimitIsStill413Json() {
        byte[] big = new byte[9 * 1024 * 1024];
        Arrays.fill(big, (byte) 'a');
        given().contentType("application/yaml").body(big).put("/specs").then().statusCode(413)
                .contentType(ContentType.JSON).body("error", containsString("limit"));
    }

    // ---- an empty Accept header is no Accept header ----

    @Test
    void anEmptyAcceptHeaderIsAnsweredInJson() throws IOException {
        String name = unique("tool");
        given().contentType(ContentType.JSON)
                .body("{\"apiVersion\":\"corral.dev/v1\",\"kind\":\"Tool\",\"metadata\":{\"name\":\"" + name
                        + "\"},\"spec\":{\"image\":\"corral/busybox\"}}")
                .put("/specs").then().statusCode(200);
        for (String path : List.of("/specs", "/specs/tool/" + name, "/sources")) {
            for (String accept : List.of("Accept:", "Accept: ", "Accept:  ,  ")) {
                // Connection: close, as a large listing is sent chunked and this reader reads such a body to the end.
                RawResponse response = raw("GET " + path + " HTTP/1.1\r\nHost: " + host() + "\r\nConnection: close\r\n"
                        + accept + "\r\n\r\n");
                assertEquals(200, response.status, () -> path + " with '" + accept + "': " + response);
                assertTrue(response.contentType().startsWith("application/json"), response::toString);
                JSON.readTree(response.body);
            }
        }
        RawResponse missing = raw("GET /specs/tool/" + unique("none") + " HTTP/1.1\r\nHost: " + host() + "\r\nAccept:\r\n\r\n");
        assertJsonError(missing, 404);
    }

    // ---- cross-site requests ----

    @Test
    void aMutatingRequestFromAnotherOriginIs403() {
        for (String origin : List.of("http://evil.example", "https://" + host(), "http://" + base.getHost() + ":1",
                "null")) {
            given().header("Origin", origin).post("/runs/{name}/cancel", unique("run")).then().statusCode(403)
                    .contentType(ContentType.JSON).body("error", equalTo("cross-site request refused"));
        }
        given().header("Origin", "http://evil.example").contentType("application/yaml").body("a: b".getBytes(StandardCharsets.UTF_8)).put("/specs")
                .then().statusCode(403).contentType(ContentType.JSON).body("error", equalTo("cross-site request refused"));
        given().header("Origin", "http://evil.example").delete("/specs/tool/{name}", unique("tool"))
                .then().statusCode(403).contentType(ContentType.JSON);
        given().header("Origin", "http://evil.example").patch("/specs").then().statusCode(403).contentType(ContentType.JSON);
    }

    @Test
    void secFetchSiteCrossSiteIs403() {
        given().header("Sec-Fetch-Site", "cross-site").post("/runs/{name}/cancel", unique("run")).then().statusCode(403)
                .contentType(ContentType.JSON).body("error", equalTo("cross-site request refused"));
    }

    @Test
    void theSameOriginAndNoOriginPass() {
        String run = unique("run");
        given().header("Origin", "http://" + host()).post("/runs/{name}/cancel", run).then().statusCode(404)
                .contentType(ContentType.JSON);
        given().header("Origin", "http://" + host()).header("Sec-Fetch-Site", "same-origin")
                .post("/runs/{name}/cancel", run).then().statusCode(404);
        given().post("/runs/{name}/cancel", run).then().statusCode(404).contentType(ContentType.JSON);
        given().contentType("application/yaml").body("a: b".getBytes(StandardCharsets.UTF_8)).put("/specs").then().statusCode(not(403));
    }

    @Test
    void readsFromAnotherOriginPass() {
        given().header("Origin", "http://evil.example").get("/specs").then().statusCode(200);
        given().header("Origin", "http://evil.example").head("/specs").then().statusCode(200);
        given().header("Sec-Fetch-Site", "cross-site").options("/specs").then().statusCode(not(403));
    }

    @Test
    void aCrossSiteRequestOverARawSocketIs403Json() throws IOException {
        RawResponse response = raw("POST /runs/x/cancel HTTP/1.1\r\nHost: " + host()
                + "\r\nOrigin: http://evil.example\r\nContent-Length: 0\r\n\r\n");
        JsonNode body = assertJsonError(response, 403);
        assertEquals(CrossSiteRequestGuard.REFUSED, body.get("error").asText());
    }

    // ---- helpers ----

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    String host() {
        return base.getHost() + ":" + base.getPort();
    }

    static JsonNode assertJsonError(RawResponse response, int status) throws IOException {
        assertEquals(status, response.status, response::toString);
        assertTrue(response.contentType().startsWith("application/json"), response::toString);
        JsonNode body = JSON.readTree(response.body);
        assertTrue(body != null && body.path("error").isTextual(), response::toString);
        assertNotEquals("", body.get("error").asText(), response::toString);
        return body;
    }

    RawResponse raw(String request) throws IOException {
        return rawStreaming(request, out -> { });
    }

    /** Sends the request head (ISO-8859-1, so any byte can be written), then whatever {@code body} writes, and reads one response. */
    RawResponse rawStreaming(String head, Consumer<OutputStream> body) throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Thread writer = new Thread(() -> body.accept(out), "raw-request-body");
            writer.start();
            try {
                return RawResponse.read(socket.getInputStream());
            } finally {
                socket.close();
                try {
                    writer.join(30_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    record RawResponse(int status, Map<String, String> headers, String body) {

        String contentType() {
            return headers.getOrDefault("content-type", "");
        }

        static RawResponse read(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            int matched = 0;
            while (matched < end.length) {
                int b = in.read();
                if (b == -1) {
                    throw new IOException("connection closed before the response head ended: " + head);
                }
                head.write(b);
                matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
            }
            String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, String> headers = new HashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
                }
            }
            String length = headers.get("content-length");
            byte[] body = length != null ? in.readNBytes(Integer.parseInt(length))
                    : "chunked".equalsIgnoreCase(headers.get("transfer-encoding")) ? dechunk(in) : in.readAllBytes();
            return new RawResponse(status, headers, new String(body, StandardCharsets.UTF_8));
        }
    }

    /** A chunked body, decoded (chunk sizes in hex, each chunk followed by CRLF, a last chunk of 0). */
    static byte[] dechunk(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            StringBuilder line = new StringBuilder();
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            int size = Integer.parseInt(line.toString().split(";")[0].trim(), 16);
            if (size == 0) {
                return out.toByteArray();
            }
            out.write(in.readNBytes(size));
            in.readNBytes(2);
        }
    }

    /** The app as run: reconcile loop off (no Docker), and the switch {@link CorralMain} sets before Quarkus starts. */
    public static class Profile implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("corral.reconcile.enabled", "false", "corral.instance", "httptest");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(AsStartedByCorralMain.class));
        }
    }

    /**
     * {@code @QuarkusTest} does not start the app through {@link CorralMain#main}; this sets its URI
     * switch. The header switch is read once, when Vert.x loads, so the pom sets it for every test JVM.
     */
    public static class AsStartedByCorralMain implements QuarkusTestResourceLifecycleManager {

        private String before;

        @Override
        public Map<String, String> start() {
            before = System.setProperty(CorralMain.URI_VALIDATION_SWITCH, "true");
            return Map.of();
        }

        @Override
        public void stop() {
            if (before == null) {
                System.clearProperty(CorralMain.URI_VALIDATION_SWITCH);
            } else {
                System.setProperty(CorralMain.URI_VALIDATION_SWITCH, before);
            }
        }
    }
}
