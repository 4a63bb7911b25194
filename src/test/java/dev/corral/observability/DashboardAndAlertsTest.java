package dev.corral.observability;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.support.Promtool;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard and the alert rules as files: the rules pass {@code promtool check rules}, the
 * dashboard is a Grafana model that asks for its Prometheus as an input, and every expression of
 * both selects Corral's series only. That those series exist is {@link ExportedSeriesTest}'s.
 */
class DashboardAndAlertsTest {

    @Test
    void alertRulesPassPromtool() {
        Promtool.Result r = Promtool.checkRules(Expressions.ALERTS);
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("SUCCESS: " + Expressions.ofAlerts().size() + " rules found"), r.output());
    }

    @Test
    void theDashboardIsAGrafanaModelWithItsPrometheusAsAnInput() {
        JsonNode d = Expressions.dashboard();
        assertTrue(d.path("schemaVersion").asInt() >= 39, "schemaVersion " + d.path("schemaVersion"));
        assertEquals("DS_PROMETHEUS", d.path("__inputs").path(0).path("name").asText());
        assertEquals("prometheus", d.path("__inputs").path(0).path("pluginId").asText());
        Set<Integer> ids = new HashSet<>();
        List<String> problems = new ArrayList<>();
        for (JsonNode p : d.path("panels")) {
            if (!ids.add(p.path("id").asInt())) {
                problems.add("panel id " + p.path("id") + " repeats");
            }
            if (p.path("type").asText().equals("row")) {
                continue;
            }
            if (p.path("targets").isEmpty()) {
                problems.add("'" + p.path("title").asText() + "' has no query");
            }
            for (JsonNode ds : List.of(p.path("datasource"), p.path("targets").path(0).path("datasource"))) {
                if (!"${DS_PROMETHEUS}".equals(ds.path("uid").asText())) {
                    problems.add("'" + p.path("title").asText() + "' does not use the DS_PROMETHEUS input: " + ds);
                }
            }
            JsonNode grid = p.path("gridPos");
            if (grid.path("w").asInt() <= 0 || grid.path("x").asInt() + grid.path("w").asInt() > 24) {
                problems.add("'" + p.path("title").asText() + "' does not fit the 24-column grid: " + grid);
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void everyExpressionSelectsCorralsSeriesOnly() {
        List<Expressions.Expression> all = Expressions.all();
        assertTrue(all.size() >= 30, "the dashboard's and the rules' expressions were found: " + all.size());
        List<String> problems = new ArrayList<>();
        for (Expressions.Expression e : all) {
            Set<String> names = PromqlNames.of(e.expr());
            if (names.isEmpty()) {
                problems.add(e.where() + " selects no series: " + e.expr());
            }
            names.stream().filter(n -> !n.startsWith("corral_"))
                    .forEach(n -> problems.add(e.where() + " selects " + n + ", not one of Corral's"));
        }
        assertEquals(List.of(), problems);
    }
}
