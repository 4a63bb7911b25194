package dev.corral.observability;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The metric-name reader the dashboard and alerts test relies on: a name missed here would go unchecked. */
class PromqlNamesTest {

    @Test
    void namesAreFoundPastFunctionsMatchersRangesAndGrouping() {
        assertEquals(Set.of("corral_docker_api_seconds_bucket"), PromqlNames.of(
                "histogram_quantile(0.95, sum by (le, operation) "
                        + "(rate(corral_docker_api_seconds_bucket{operation=~\"create.*\"}[5m])))"));
        assertEquals(Set.of("corral_pool_size", "corral_pool_idle"), PromqlNames.of(
                "corral_pool_size > 0 and on (pool) corral_pool_idle == 0"));
        assertEquals(Set.of("corral_runs_total"), PromqlNames.of(
                "sum(rate(corral_runs_total[$__rate_interval])) by (phase) offset 1h"));
        assertEquals(Set.of("corral_a_total", "corral_b"), PromqlNames.of(
                "increase(corral_a_total{kind=\"Relic\", x='a{b}'}[15m]) / ignoring(kind) group_left corral_b * 1e3"));
        assertEquals(Set.of("corral_engine_up"), PromqlNames.of("max without (instance) (corral_engine_up) < bool 1"));
    }

    @Test
    void grafanasLabelValuesNamesOnlyItsSelector() {
        assertEquals(Set.of("corral_managed_containers"),
                PromqlNames.of("label_values(corral_managed_containers{kind=\"Relic\"}, phase)"));
        assertEquals(Set.of(), PromqlNames.of("label_values(instance)"));
    }

    @Test
    void aMisspelledNameIsStillAName() {
        assertEquals(Set.of("corral_reconcile_totl"), PromqlNames.of("rate(corral_reconcile_totl[5m])"));
        assertEquals(Set.of("up"), PromqlNames.of("up{job=\"corral\"} == 0"));
    }
}
