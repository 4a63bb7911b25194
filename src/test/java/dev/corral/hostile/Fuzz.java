package dev.corral.hostile;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.spec.HostPaths;
import dev.corral.spec.Json;
import dev.corral.spec.SpecObject;
import dev.corral.spec.SpecParser;
import dev.corral.spec.SpecValidator;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends hostile requests to a Corral on 127.0.0.1 and checks every answer: a 2xx, or a 4xx whose
 * body is Corral's JSON error (a HEAD answer has no body); never a 5xx, never a hang. Keeps a
 * model of what was acknowledged — a 2xx apply puts the objects its body declares (parsed and
 * defaulted by Corral's own parser and validator, independently of the server), a 201 run puts
 * the run, a 2xx delete removes what it lists — to compare with what the server then lists.
 */
final class Fuzz {

    final int port;
    final HostileGen gen;
    /** kind|session|name → spec, as acknowledged. */
    final Map<String, JsonNode> model = new TreeMap<>();
    final List<String> runNames = new ArrayList<>();
    final Map<String, Integer> statuses = new TreeMap<>();
    /** label + what went wrong → how often, and the first request it happened to. */
    final Map<String, String> failures = new TreeMap<>();
    final Map<String, Integer> failureCounts = new ConcurrentHashMap<>();
    private final SpecValidator validator = new SpecValidator(new HostPaths(List.of(Path.of("target/test-agents"))));
    int sent;

    Fuzz(int port, String prefix) {
        this.port = port;
        this.gen = new HostileGen(prefix);
    }

    /** Every body class in both formats, {@code perClass} seeds each: the systematic part. */
    void corpus(long seed, int perClass) {
        Random r = new Random(seed);
        for (HostileGen.BodyClass c : HostileGen.BodyClass.values()) {
            for (int i = 0; i < perClass; i++) {
                send(gen.putSpecs(new Random(r.nextLong()), c));
            }
        }
    }

    /**
     * The edge values of finding 1 and 2, each in an otherwise valid ToolRun or Tool, in YAML and
     * JSON: every number of {@link HostileGen#NUMBERS} as a parameter, every lone surrogate as a
     * parameter key and value, every odd text as an env value. Each must be refused, or stored so
     * that the store reads it back.
     */
    void edges() {
        int i = 0;
        for (HostileGen.Tok n : HostileGen.NUMBERS) {
            for (boolean json : new boolean[]{false, true}) {
                sendDoc("edge number " + n.yaml(), json, "ToolRun", gen.prefix + "-en" + i++, HostileGen.map("tool", "t",
                        "parameters", HostileGen.map("n", n)));
            }
        }
        for (String lone : HostileGen.LONE) {
            for (boolean json : new boolean[]{false, true}) {
                sendDoc("edge lone surrogate key", json, "ToolRun", gen.prefix + "-es" + i++, HostileGen.map("tool", "t",
                        "parameters", HostileGen.map(lone, 1)));
                sendDoc("edge lone surrogate value", json, "ToolRun", gen.prefix + "-es" + i++, HostileGen.map("tool", "t",
                        "parameters", HostileGen.map("v", lone)));
            }
        }
        for (String odd : HostileGen.ODD_TEXT) {
            for (boolean json : new boolean[]{false, true}) {
                sendDoc("edge text", json, "Tool", gen.prefix + "-eo" + i++, HostileGen.map("image", "corral/busybox",
                        "env", HostileGen.map("ODD", odd)));
            }
        }
    }

    private void sendDoc(String label, boolean json, String kind, String name, Map<String, Object> spec) {
        Map<String, Object> doc = HostileGen.map("apiVersion", "corral.dev/v1", "kind", kind, "metadata",
                HostileGen.map("name", name), "spec", spec);
        String text = json ? Render.json(doc) : Render.yaml(doc);
        send(new HostileGen.Req(label + (json ? " (JSON)" : " (YAML)"), "PUT", "/specs",
                HostileGen.headers("Content-Type", json ? "application/json" : "application/yaml"),
                text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** {@code n} requests of random classes from one seed. */
    void random(long seed, int n) {
        Random r = new Random(seed);
        for (int i = 0; i < n; i++) {
            send(gen.request(new Random(r.nextLong()), runNames, keys()));
        }
    }

    /** The same model, for the same store served on another port (after a restart). */
    Fuzz on(int newPort) {
        Fuzz f = new Fuzz(newPort, gen.prefix);
        f.model.putAll(model);
        f.runNames.addAll(runNames);
        return f;
    }

    List<String[]> keys() {
        return model.keySet().stream().map(k -> {
            String[] p = k.split("\\|", -1);
            return new String[]{p[0], p[1].isEmpty() ? null : p[1], p[2]};
        }).toList();
    }

    Raw.Response send(HostileGen.Req req) {
        Raw.Response resp = Raw.send(port, req.method(), req.target(), req.headers(), req.body());
        sent++;
        statuses.merge(resp.status() < 0 ? "no answer" : String.valueOf(resp.status()), 1, Integer::sum);
        check(req, resp);
        if (resp.status() >= 200 && resp.status() < 300) {
            acknowledged(req, resp);
        }
        return resp;
    }

    void check(HostileGen.Req req, Raw.Response resp) {
        int s = resp.status();
        String problem = null;
        if (s < 0) {
            problem = resp.problem();
        } else if (s >= 500) {
            problem = "5xx";
        } else if (s >= 400 && !"HEAD".equals(req.method()) && !resp.isJsonError()) {
            problem = "4xx without a JSON {\"error\"} body";
        } else if (s < 200 || (s >= 300 && s < 400)) {
            problem = "neither 2xx nor 4xx";
        }
        if (problem != null) {
            fail(req.label() + " → " + (s < 0 ? "" : s + " ") + problem, req + " → " + resp.summary());
        }
    }

    void fail(String what, String example) {
        failureCounts.merge(what, 1, Integer::sum);
        failures.putIfAbsent(what, example);
    }

    private void acknowledged(HostileGen.Req req, Raw.Response resp) {
        String path = req.target().split("\\?", 2)[0];
        JsonNode reply;
        try {
            reply = resp.body().length == 0 ? null : Json.MAPPER.readTree(resp.body());
        } catch (Exception e) {
            reply = null;
        }
        if (req.method().equals("PUT") && path.equals("/specs")) {
            if (reply == null || reply.path("dryRun").asBoolean(true)) {
                return;
            }
            try {
                List<SpecObject> objects = validator.validateAll(
                        SpecParser.parse(req.body(), req.json() ? SpecParser.Format.JSON : SpecParser.Format.YAML));
                for (SpecObject o : objects) {
                    model.put(key(o.kind().name(), o.metadata().session(), o.metadata().name()), o.spec());
                }
            } catch (RuntimeException e) {
                fail(req.label() + " → acknowledged a body Corral's own parser refuses",
                        req + ": " + e.getMessage());
                for (JsonNode item : reply.path("items")) {
                    model.put(key(item.path("kind").asText(), item.path("session").asText(null), item.path("name").asText()), null);
                }
            }
        } else if (req.method().equals("POST") && path.equals("/runs") && reply != null && reply.has("metadata")) {
            String name = reply.at("/metadata/name").asText();
            model.put(key(reply.path("kind").asText(), reply.at("/metadata/session").asText(null), name), reply.get("spec"));
            runNames.add(name);
        } else if (req.method().equals("POST") && path.equals("/execute") && reply != null) {
            fail(req.label() + " → an invalid /execute body was run", req + " → " + resp.summary());
        } else if (req.method().equals("DELETE") && reply != null) {
            for (JsonNode d : reply.path("deleted")) {
                model.remove(key(d.path("kind").asText(), d.path("session").asText(null), d.path("name").asText()));
            }
        }
    }

    static String key(String kind, String session, String name) {
        return kind + "|" + (session == null ? "" : session) + "|" + name;
    }

    /**
     * What the server lists, as JSON and as YAML, against the model: the same keys and the same
     * specs. Returns one line per difference (at most a few per listing).
     */
    List<String> compareWithListings() {
        List<String> out = new ArrayList<>();
        Raw.Response json = Raw.get(port, "/specs", "Accept", "application/json");
        if (json.status() != 200) {
            out.add("GET /specs as JSON: " + json.summary());
        } else {
            try {
                // A plain reader: Corral's own refuses more than 64 levels, and a listing nests its specs 3 deeper.
                out.addAll(compare("JSON listing", items(PLAIN.readTree(json.body()).path("items"))));
            } catch (Exception e) {
                out.add("GET /specs as JSON is not JSON: " + e.getMessage());
            }
        }
        Raw.Response yaml = Raw.get(port, "/specs", "Accept", "application/yaml");
        if (yaml.status() != 200) {
            out.add("GET /specs as YAML: " + yaml.summary());
        } else {
            List<JsonNode> docs;
            try {
                docs = SpecParser.parseAll(yaml.body(), SpecParser.Format.YAML);
            } catch (RuntimeException e) {
                // README: a YAML list is a stream that PUT /specs accepts back. Say so, and compare what a plain YAML reader sees.
                out.add("GET /specs as YAML (200, " + yaml.body().length + " bytes) is not accepted back by Corral's parser: "
                        + e.getMessage());
                docs = plainYaml(yaml.body(), out);
            }
            out.addAll(compare("YAML listing", items(docs)));
        }
        return out;
    }

    static final com.fasterxml.jackson.databind.ObjectMapper PLAIN = new com.fasterxml.jackson.databind.ObjectMapper();

    /** Documents as SnakeYAML reads them (any tag it knows; {@code !!binary} as UTF-8 text), for comparison only. */
    static List<JsonNode> plainYaml(byte[] body, List<String> problems) {
        org.yaml.snakeyaml.LoaderOptions options = new org.yaml.snakeyaml.LoaderOptions();
        options.setCodePointLimit(Integer.MAX_VALUE);
        options.setMaxAliasesForCollections(10_000);
        options.setNestingDepthLimit(100_000);
        List<JsonNode> docs = new ArrayList<>();
        try {
            for (Object d : new org.yaml.snakeyaml.Yaml(options).loadAll(new String(body, java.nio.charset.StandardCharsets.UTF_8))) {
                docs.add(PLAIN.valueToTree(textual(d)));
            }
        } catch (RuntimeException e) {
            problems.add("GET /specs as YAML does not even parse as YAML after " + docs.size() + " documents: " + e.getMessage());
        }
        return docs;
    }

    private static Object textual(Object o) {
        if (o instanceof byte[] b) {
            return new String(b, java.nio.charset.StandardCharsets.UTF_8);
        } else if (o instanceof Map<?, ?> m) {
            Map<Object, Object> out = new java.util.LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(textual(k)), textual(v)));
            return out;
        } else if (o instanceof List<?> l) {
            return l.stream().map(Fuzz::textual).toList();
        } else if (o instanceof java.util.Date d) {
            return d.toInstant().toString();
        }
        return o;
    }

    static Map<String, JsonNode> items(Iterable<JsonNode> items) {
        Map<String, JsonNode> m = new TreeMap<>();
        for (JsonNode item : items) {
            m.put(key(item.path("kind").asText(), item.at("/metadata/session").asText(null), item.at("/metadata/name").asText()),
                    item.get("spec"));
        }
        return m;
    }

    List<String> compare(String what, Map<String, JsonNode> listed) {
        List<String> out = new ArrayList<>();
        List<String> missing = model.keySet().stream().filter(k -> !listed.containsKey(k)).toList();
        List<String> extra = listed.keySet().stream().filter(k -> !model.containsKey(k)).toList();
        List<String> differ = model.keySet().stream().filter(listed::containsKey)
                .filter(k -> model.get(k) != null && !Json.sameValue(model.get(k), listed.get(k))).toList();
        if (!missing.isEmpty()) {
            out.add(what + ": " + missing.size() + " acknowledged objects missing (of " + model.size() + "), e.g. " + first(missing));
        }
        if (!extra.isEmpty()) {
            out.add(what + ": " + extra.size() + " objects never acknowledged, e.g. " + first(extra));
        }
        for (String k : differ.subList(0, Math.min(3, differ.size()))) {
            out.add(what + ": " + k + " differs: acknowledged " + cut(model.get(k)) + " but listed " + cut(listed.get(k)));
        }
        return out;
    }

    private static String first(List<String> keys) {
        return String.join(", ", keys.subList(0, Math.min(3, keys.size())));
    }

    private static String cut(JsonNode n) {
        String s = String.valueOf(n);
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    /** The failures, one line each with their count, for an assertion message. */
    String report() {
        StringBuilder sb = new StringBuilder();
        failures.forEach((what, example) -> sb.append("\n  - ").append(failureCounts.get(what)).append("× ").append(what)
                .append("\n      e.g. ").append(example.length() > 300 ? example.substring(0, 300) + "…" : example));
        return sent + " requests, statuses " + statuses + ";" + (failures.isEmpty() ? " no failures" : " failures:" + sb);
    }
}
