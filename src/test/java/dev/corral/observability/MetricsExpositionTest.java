package dev.corral.observability;

import dev.corral.support.Promtool;
import dev.corral.support.Rest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Corral's own series on /q/metrics, without an engine: they pass {@code promtool check metrics}
 * (the JVM's and HTTP's are not Corral's to fix: promtool rejects one of their HELP texts), the
 * latencies are histograms with buckets, and the store and run series say what happened.
 */
@QuarkusTest
@TestProfile(MetricsExpositionTest.LoopOff.class)
class MetricsExpositionTest {

    static {
        Rest.configure();
    }

    public static class LoopOff implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("corral.reconcile.enabled", "false", "corral.instance", "metrics-test",
                    "corral.data-dir", "target/corral-test-data-metrics");
        }
    }

    /** The classic text format, the one promtool reads (without an Accept header Quarkus answers OpenMetrics). */
    static String scrape() {
        return given().accept(Exposition.TEXT_004).get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The value of the first sample whose line starts with {@code series} (a name, or a name and its first labels). */
    static double value(String exposition, String series) {
        return exposition.lines().filter(l -> l.startsWith(series + " ") || l.startsWith(series + ",")
                        || l.startsWith(series + "{")).findFirst()
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .orElseThrow(() -> new AssertionError(series + " not in " + Exposition.only(exposition, "corral_")));
    }

    @Test
    void corralsSeriesPassPromtoolAndLatenciesAreHistograms() {
        given().contentType("application/yaml").body("""
                apiVersion: corral.dev/v1
                kind: Tool
                metadata: {name: metrics-wc}
                spec: {image: corral/busybox:latest, command: [wc]}
                """).put("/specs").then().statusCode(200);
        // The loop is off: the run stays stored and not started.
        given().contentType(ContentType.JSON).body(Map.of("language", "bash", "code", "echo hi")).post("/runs")
                .then().statusCode(201);

        String all = scrape();
        String corral = Exposition.only(all, "corral_");
        Promtool.Result check = Promtool.checkMetrics(corral);
        assertEquals(0, check.exit(), check.output() + "\n---\n" + corral);
        assertEquals("", check.output(), "promtool says nothing of a clean exposition");

        Set<String> histograms = Exposition.families(corral, "histogram");
        assertTrue(histograms.containsAll(Set.of("corral_store_write_seconds", "corral_run_queue_seconds")),
                histograms.toString());
        assertEquals(Set.of(), Exposition.families(corral, "summary"), "no latency is left as a summary");
        assertTrue(value(corral, "corral_store_write_seconds_bucket{operation=\"apply\",le=\"+Inf\"") >= 1, corral);
        assertTrue(value(corral, "corral_store_write_seconds_bucket{operation=\"apply\",le=\"0.001\"") >= 0,
                "the buckets chosen for it");
        assertTrue(value(corral, "corral_store_write_seconds_count{operation=\"apply\"") >= 1, corral);

        assertTrue(value(corral, "corral_runs_pending") >= 1, "the run waits: " + corral);
        assertEquals(1.0, value(corral, "corral_store_writable"));
        assertEquals(Set.of(), Exposition.families(corral, "untyped"), "every series has a type");
    }
}
