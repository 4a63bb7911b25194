package dev.corral.observability;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.spec.Json;
import dev.corral.support.CorralProcess;
import dev.corral.support.Promtool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Prometheus (Debian's package) scrapes the packaged Corral, with Corral's alert rules
 * loaded, and answers queries of Corral's series through its HTTP API: a gauge, a histogram's
 * buckets through {@code histogram_quantile}, and every rule evaluated without error.
 */
class PrometheusScrapeIT {

    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void prometheusScrapesCorralAndAnswersQueriesOfItsSeries() throws Exception {
        Path prometheus = Promtool.require("prometheus");
        try (CorralProcess corral = CorralProcess.start(tmp.resolve("data"), "-Dcorral.reconcile.enabled=false")) {
            assertEquals(200, corral.putYaml("""
                    apiVersion: corral.dev/v1
                    kind: Tool
                    metadata: {name: scraped}
                    spec: {image: corral/busybox:latest, command: [wc]}
                    """).statusCode());
            int port = freePort();
            Path config = tmp.resolve("prometheus.yml");
            Files.writeString(config, """
                    global: {scrape_interval: 1s, evaluation_interval: 1s}
                    rule_files: ["%s"]
                    scrape_configs:
                      - job_name: corral
                        metrics_path: /q/metrics
                        static_configs: [{targets: ["127.0.0.1:%d"]}]
                    """.formatted(Expressions.ALERTS.toAbsolutePath(), corral.port()));
            Path log = tmp.resolve("prometheus.log");
            Process p = new ProcessBuilder(prometheus.toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + tmp.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                String base = "http://127.0.0.1:" + port;
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    assertTrue(p.isAlive(), () -> "prometheus exited: " + read(log));
                    return status(base + "/-/ready") == 200;
                });

                AtomicReference<JsonNode> objects = new AtomicReference<>();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                    objects.set(query(base, "corral_store_objects{kind=\"Tool\", job=\"corral\"}"));
                    assertEquals(1, objects.get().size(), objects.get()::toString);
                });
                assertEquals("1", objects.get().path(0).path("value").path(1).asText(), objects.get().toString());

                // The buckets work as a histogram: a quantile of the store's write latency, a number.
                JsonNode p99 = query(base, "histogram_quantile(0.99, sum by (le) (corral_store_write_seconds_bucket))");
                assertEquals(1, p99.size(), p99.toString());
                double seconds = Double.parseDouble(p99.path(0).path("value").path(1).asText());
                assertTrue(seconds > 0 && seconds <= 5, "p99 write latency " + seconds);

                // Every rule evaluates against Corral's series, and a healthy Corral fires none (nor has one pending).
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                    JsonNode rules = api(base + "/api/v1/rules").path("data").path("groups").path(0).path("rules");
                    assertEquals(Expressions.ofAlerts().size(), rules.size(), rules::toString);
                    for (JsonNode rule : rules) {
                        assertEquals("ok", rule.path("health").asText(), rule::toString);
                        assertFalse(rule.path("lastEvaluation").asText().startsWith("0001-"), rule::toString);
                    }
                });
                assertEquals(0, query(base, "ALERTS").size(), () -> "alerts: " + read(log));
            } finally {
                p.destroy();
                if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    /** The result vector of an instant query. */
    private JsonNode query(String base, String promql) throws IOException, InterruptedException {
        JsonNode r = api(base + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        assertEquals("success", r.path("status").asText(), r.toString());
        return r.path("data").path("result");
    }

    private JsonNode api(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return Json.MAPPER.readTree(r.body());
    }

    private int status(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
