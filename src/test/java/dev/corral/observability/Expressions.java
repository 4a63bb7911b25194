package dev.corral.observability;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.spec.Json;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The PromQL expressions of Corral's dashboard and alert rules, each with where it is. */
final class Expressions {

    static final Path DASHBOARD = Path.of("deploy/grafana/corral.json");
    static final Path ALERTS = Path.of("deploy/prometheus/alerts.yaml");

    /** @param where a panel's title and refId, a template variable's name, or an alert's name */
    record Expression(String where, String expr) {
    }

    private Expressions() {
    }

    static JsonNode dashboard() {
        try {
            return Json.MAPPER.readTree(Files.readString(DASHBOARD));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every panel's targets (rows' nested panels too) and every query variable's query. */
    static List<Expression> ofDashboard() {
        JsonNode d = dashboard();
        List<Expression> out = new ArrayList<>();
        panels(d.path("panels"), out);
        for (JsonNode v : d.path("templating").path("list")) {
            if ("query".equals(v.path("type").asText())) {
                JsonNode q = v.path("query");
                out.add(new Expression("variable " + v.path("name").asText(), q.isObject() ? q.path("query").asText()
                        : q.asText()));
            }
        }
        return out;
    }

    private static void panels(JsonNode panels, List<Expression> out) {
        for (JsonNode p : panels) {
            for (JsonNode t : p.path("targets")) {
                out.add(new Expression("panel '" + p.path("title").asText() + "' " + t.path("refId").asText(),
                        t.path("expr").asText()));
            }
            panels(p.path("panels"), out);
        }
    }

    /** Every rule's {@code expr}. */
    @SuppressWarnings("unchecked")
    static List<Expression> ofAlerts() {
        Map<String, Object> doc;
        try {
            doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(ALERTS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Expression> out = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) doc.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                Object name = rule.containsKey("alert") ? rule.get("alert") : rule.get("record");
                out.add(new Expression("rule " + name, String.valueOf(rule.get("expr"))));
            }
        }
        return out;
    }

    static List<Expression> all() {
        List<Expression> all = new ArrayList<>(ofDashboard());
        all.addAll(ofAlerts());
        return all;
    }
}
