package dev.corral.observability;

import dev.corral.support.Promtool;
import dev.corral.support.Rest;
import dev.corral.support.Specs;
import dev.corral.testing.EngineTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static dev.corral.support.Specs.apply;
import static dev.corral.support.Specs.awaitPhase;
import static dev.corral.support.Specs.httpRelic;
import static dev.corral.support.Specs.session;
import static dev.corral.support.Specs.unique;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The series Corral exports once exercised on the real engine (a session with a probed relic, a
 * warm pool, a run): they pass {@code promtool check metrics}, the latencies have buckets, every
 * expression of the dashboard and the alert rules names one of them, and docs/observability.md
 * describes each.
 */
@EngineTest
@QuarkusTest
@TestProfile(ExportedSeriesTest.Exercised.class)
class ExportedSeriesTest {

    static {
        Rest.configure();
    }

    public static class Exercised implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("corral.runs.bash-pool-size", "1", "corral.data-dir", "target/corral-test-data-series");
        }
    }

    private static String exercised;

    /** Corral's families after a session, a probed relic and a warm run (once for all tests: it takes seconds). */
    static synchronized String exercisedExposition() {
        if (exercised == null) {
            String s = unique("obs");
            apply(session(s) + "---\n" + httpRelic(s, "web", ""));
            awaitPhase("relic/" + s + "/web", "Ready");
            String phase = given().contentType(ContentType.JSON).queryParam("wait", true).queryParam("timeout", "60s")
                    .body(Map.of("language", "bash", "code", "echo hi")).post("/runs")
                    .then().statusCode(201).extract().path("status.phase");
            assertEquals("Succeeded", phase);
            // The relic's usage series come with the stats collector's next sample (every second in tests).
            exercised = await().atMost(Duration.ofSeconds(30)).until(
                    () -> Exposition.only(given().accept(Exposition.TEXT_004).get("/q/metrics")
                            .then().statusCode(200).extract().asString(), "corral_"),
                    e -> e.contains("corral_container_memory_bytes{"));
            Specs.delete("session/" + s);
        }
        return exercised;
    }

    @Test
    void theExposedSeriesPassPromtoolAndTheLatenciesHaveBuckets() {
        String corral = exercisedExposition();
        Promtool.Result check = Promtool.checkMetrics(corral);
        assertEquals(0, check.exit(), check.output() + "\n---\n" + corral);
        assertEquals("", check.output());
        assertTrue(Exposition.families(corral, "histogram").containsAll(Set.of("corral_reconcile_duration_seconds",
                        "corral_docker_api_seconds", "corral_store_write_seconds", "corral_run_duration_seconds",
                        "corral_run_queue_seconds")), corral);
        assertTrue(corral.contains("corral_docker_api_seconds_bucket{operation=\"create_container\",le=\"0.001\","),
                corral);
        assertTrue(corral.contains("corral_run_duration_seconds_bucket{runner=\"bash\",le=\"0.05\","), corral);
        assertTrue(corral.contains("corral_pool_size{pool=\"runner/bash\",} 1.0"), corral);
        assertTrue(corral.contains("corral_engine_up 1.0"), corral);
    }

    @Test
    void everyExpressionOfTheDashboardAndTheRulesNamesAnExportedSeries() {
        Set<String> known = new TreeSet<>(Exposition.seriesNames(exercisedExposition()));
        List<String> unknown = new ArrayList<>();
        for (Expressions.Expression e : Expressions.all()) {
            PromqlNames.of(e.expr()).stream().filter(n -> !known.contains(n))
                    .forEach(n -> unknown.add(e.where() + ": " + n));
        }
        assertEquals(List.of(), unknown, "exported: " + known);
    }

    @Test
    void docsDescribeEverySeries() throws IOException {
        String corral = exercisedExposition();
        String docs = Files.readString(Path.of("docs/observability.md"));
        Set<String> families = new TreeSet<>();
        for (String type : List.of("counter", "gauge", "histogram")) {
            families.addAll(Exposition.families(corral, type));
        }
        Set<String> histograms = Exposition.families(corral, "histogram");
        // A timer's _max comes with its histogram: documented with it.
        families.removeIf(f -> f.endsWith("_max") && histograms.contains(f.substring(0, f.length() - 4)));
        List<String> missing = families.stream().filter(f -> !docs.contains("`" + f + "`")).toList();
        assertEquals(List.of(), missing, "not in docs/observability.md");
    }
}
