package dev.corral.hostile;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Hostile requests for Corral, drawn from a {@link Random} (so a seed reproduces one): bodies of
 * every payload class (valid specs, truncated ones, random bytes, alias bombs, tags, deep nesting,
 * huge strings, numbers at and past every limit, wrong types, invalid Unicode, duplicate keys,
 * thousands of documents) and requests with garbage in the path, the query and the headers.
 *
 * <p>Used by the jqwik properties (one seed per try) and by the corpus tests (a fixed seed), so
 * the same classes of input reach the parser directly, the in-process app and the packaged one.
 * Never generated: requests that legitimately wait long with the reconcile loop off ({@code
 * follow=true} on a pending run, a valid {@code POST /execute}), so that any wait is a hang.
 */
final class HostileGen {

    /** One request; {@code target} is sent as is (already percent-encoded, or deliberately not). */
    record Req(String label, String method, String target, Map<String, String> headers, byte[] body) {
        boolean json() {
            String type = headers.getOrDefault("Content-Type", "");
            return type.toLowerCase(java.util.Locale.ROOT).contains("json");
        }

        @Override
        public String toString() {
            return label + " " + method + " " + (target.length() > 120 ? target.substring(0, 120) + "…" : target)
                    + (body == null ? "" : " (" + body.length + " bytes)");
        }
    }

    /** A body in one format. */
    record Body(String label, boolean json, byte[] bytes) {
        @Override
        public String toString() {
            String t = new String(bytes, 0, Math.min(bytes.length, 200), StandardCharsets.UTF_8);
            return label + (json ? " json " : " yaml ") + bytes.length + " bytes: " + t.replaceAll("\\s+", " ");
        }
    }

    enum BodyClass {
        VALID, TRUNCATED, RANDOM_BYTES, ALIAS_BOMB, TAGS, DEEP, HUGE_STRING, NUMBERS, WRONG_TYPES, BAD_UNICODE,
        DUPLICATE_KEYS, MANY_DOCS
    }

    enum ReqClass { PUT_SPECS, POST_RUNS, PATH_TRAVERSAL, HEADER_GARBAGE, QUERY_GARBAGE, READS, DELETES, EXECUTE_INVALID, RUN_ACTIONS }

    /** A token written as is: its YAML and its JSON spelling (null: that format has none; the YAML one is used). */
    record Tok(String yaml, String json) {
        static Tok of(String both) {
            return new Tok(both, both);
        }
    }

    static final List<Tok> NUMBERS = List.of(
            Tok.of("0"), Tok.of("-0"), Tok.of("1"), Tok.of("-1"), Tok.of("2147483647"), Tok.of("2147483648"),
            Tok.of("-2147483649"), Tok.of("9223372036854775807"), Tok.of("9223372036854775808"),
            Tok.of("-9223372036854775809"), Tok.of("1" + "0".repeat(62)), Tok.of("9".repeat(64)),
            Tok.of("-" + "9".repeat(64)), Tok.of("1" + "0".repeat(64)), Tok.of("9".repeat(100)), Tok.of("1e400"),
            Tok.of("-1e400"), Tok.of("1e-400"), Tok.of("1E+2"), Tok.of("1.0"), Tok.of("3.0000000000000000001"),
            Tok.of("0.1"), Tok.of("1.7976931348623157e308"), Tok.of("4.9e-324"), Tok.of("1." + "0".repeat(70)),
            Tok.of("0." + "0".repeat(63) + "1"), new Tok("0x10", "16"), new Tok("0o17", "15"), new Tok("010", "10"),
            new Tok("1_000", "1000"), new Tok(".nan", "NaN"), new Tok(".inf", "Infinity"), new Tok("-.inf", "-Infinity"),
            new Tok("+12", "+12"), new Tok("12:30:00", "\"12:30:00\""));

    /** Integer fields of each kind, and a number field. */
    static final List<String[]> NUMBER_FIELDS = List.of(
            new String[]{"Tool", "timeoutSeconds"}, new String[]{"Tool", "ttlSecondsAfterFinished"},
            new String[]{"Session", "ttlSeconds"}, new String[]{"Relic", "port"},
            new String[]{"ToolRun", "timeoutSeconds"}, new String[]{"Relic", "resources.memoryMb"},
            new String[]{"Relic", "resources.cpus"}, new String[]{"ToolRun", "parameters.n"},
            new String[]{"Tool", "pool.size"}, new String[]{"metadata", "resourceVersion"});

    static final List<String> TAGS = List.of("!!omap [{a: 1}, {b: 2}]", "!!set {a, b}", "!!binary aGVsbG8=",
            "!!timestamp 2001-12-14", "!!float 1", "!!int \"1\"", "!!str 5", "!!bool \"yes\"", "!!null \"\"",
            "!foo bar", "!<tag:example.com,2000:x> y", "!!java.io.File [/etc/passwd]",
            "!!python/object/apply:os.system [id]", "!!pairs [{a: 1}]", "!!map {a: 1}", "!!seq [1]", "!!merge <<",
            "!!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://127.0.0.1:1/\"]]]]");

    static final List<String> LONE = List.of("\ud800", "\udfff", "\udbff", "\udc00", "a\ud800b", "\udfff\ud800");
    static final List<String> ODD_TEXT = List.of("\u0000", "nul\u0000in", "\u202eevil", "\ufeffbom", "\ufffe",
            "\uffff", "😀", "\u0085", "\u2028", "\t", "\u001b[31m", "é", "日本語", "");

    static final List<String> TRAVERSAL = List.of("..", "%2e%2e", "%2E%2E%2F", "..%2f..%2fetc%2fpasswd", "....//",
            "%252e%252e", "a%00b", "%00", "%c0%ae%c0%ae", "%ff", "~root", ".", "%2F", "..%5c..%5cwindows", "a;b",
            "*", "%20", "..;", "a".repeat(300), "%e2%80%ae", "%ud800", "%ED%A0%80", "x?y=1", "x#frag");

    static final List<String> FILE_PATHS = List.of("../../../../etc/passwd", "..%2f..%2f..%2fetc%2fpasswd",
            "%2fetc%2fpasswd", "a/../../b", "/etc/passwd", "a%00b", "..;/x", "./././x", "%2e%2e/%2e%2e/x",
            "a/%2e%2e/%2e%2e/%2e%2e/etc/hostname", "..\\..\\x", "%c0%af", "%ff%fe", "x".repeat(5000), "a//b", "%20");

    final String prefix;

    /** @param prefix starts every generated name, so runs of different tests never collide */
    HostileGen(String prefix) {
        this.prefix = prefix;
    }

    // ---- requests

    /** One request of a random class; {@code knownRuns} and {@code knownKeys} are names to aim at (may be empty). */
    Req request(Random r, List<String> knownRuns, List<String[]> knownKeys) {
        ReqClass c = pick(r, ReqClass.values());
        return switch (c) {
            case PUT_SPECS -> putSpecs(r, pick(r, BodyClass.values()));
            case POST_RUNS -> postRuns(r);
            case PATH_TRAVERSAL -> traversal(r, knownRuns);
            case HEADER_GARBAGE -> headerGarbage(r);
            case QUERY_GARBAGE -> queryGarbage(r);
            case READS -> reads(r, knownKeys);
            case DELETES -> deletes(r, knownKeys);
            case EXECUTE_INVALID -> execute(r);
            case RUN_ACTIONS -> runActions(r, knownRuns);
        };
    }

    Req putSpecs(Random r, BodyClass c) {
        boolean json = r.nextInt(3) == 0 && c != BodyClass.TAGS && c != BodyClass.ALIAS_BOMB;
        Body b = body(c, r, json);
        String type = json ? pick(r, "application/json", "application/json; charset=utf-8", "application/json")
                : pick(r, "application/yaml", "application/x-yaml", "text/yaml", "application/yaml; charset=utf-8");
        String query = r.nextInt(6) == 0 ? "?dryRun=true" : r.nextInt(8) == 0 ? "?wait=true&timeout=" + pick(r, "0s", "1ms", "50ms") : "";
        return new Req("PUT /specs " + c, "PUT", "/specs" + query, headers("Content-Type", type), b.bytes());
    }

    Req postRuns(Random r) {
        int what = r.nextInt(9);
        Object body;
        switch (what) {
            case 0 -> body = map("tool", name(r, "t"), "parameters", params(r, r.nextInt(3) == 0));
            case 1 -> body = map("language", pick(r, "bash", "python", "node", "cobol", ""), "code", pick(r, "echo hi", "", "x".repeat(r.nextInt(2000))));
            case 2 -> body = map("name", pick(r, null, true, 0, -1, 1.5, "UPPER", "../x", "a".repeat(70), "ok-" + r.nextInt(9), List.of(), Map.of()),
                    "language", "bash", "code", "echo 1");
            case 3 -> body = map("tool", name(r, "t"), "session", pick(r, null, 5, "Bad_Session", name(r, "s")), "parameters", map());
            case 4 -> body = doc(r, pick(r, "Tool", "Session", "Agent", "Relic"), false);
            case 5 -> body = doc(r, "ToolRun", r.nextBoolean());
            case 6 -> body = map("language", "bash", "code", "echo", "timeoutSeconds", tok(r, NUMBERS));
            case 7 -> body = List.of(map("language", "bash", "code", "echo"), map("language", "bash", "code", "echo"));
            default -> {
                Body b = body(pick(r, BodyClass.values()), r, true);
                return new Req("POST /runs raw " + b.label(), "POST", "/runs", headers("Content-Type", "application/json"), b.bytes());
            }
        }
        boolean json = r.nextInt(4) != 0;
        byte[] bytes = (json ? Render.json(body) : Render.yaml(body)).getBytes(StandardCharsets.UTF_8);
        String query = r.nextInt(10) == 0 ? "?wait=" + pick(r, "maybe", "true&timeout=1ms", "false", "&timeout=1ms") : "";
        return new Req("POST /runs form " + what, "POST", "/runs" + query,
                headers("Content-Type", json ? "application/json" : "application/yaml"), bytes);
    }

    Req traversal(Random r, List<String> knownRuns) {
        String t = pick(r, TRAVERSAL);
        String kind = pick(r, "session", "relic", "agent", "tool", "toolrun", t);
        String run = knownRuns.isEmpty() || r.nextBoolean() ? pick(r, TRAVERSAL) : pick(r, knownRuns);
        return switch (r.nextInt(8)) {
            case 0 -> new Req("traversal specs/kind/session/name", pick(r, "GET", "DELETE", "HEAD"),
                    "/specs/" + kind + "/" + pick(r, TRAVERSAL) + "/" + t, headers(), null);
            case 1 -> new Req("traversal specs/kind/name", pick(r, "GET", "DELETE"), "/specs/" + kind + "/" + t, headers(), null);
            case 2, 3 -> new Req("traversal run file", pick(r, "GET", "HEAD"), "/runs/" + run + "/files/" + pick(r, FILE_PATHS), headers(), null);
            case 4 -> new Req("traversal run", pick(r, "GET", "DELETE"), "/runs/" + t, headers(), null);
            case 5 -> new Req("traversal run logs", "GET", "/runs/" + t + "/logs", headers(), null);
            case 6 -> new Req("traversal run cancel", "POST", "/runs/" + t + "/cancel", headers(), null);
            default -> new Req("traversal specs root", "GET", "/specs/" + t + "/../../q/health", headers(), null);
        };
    }

    Req headerGarbage(Random r) {
        Map<String, String> h = new LinkedHashMap<>();
        switch (r.nextInt(10)) {
            case 0 -> h.put("Accept", pick(r, "", " ", "*/*;q=foo", "application/yaml;q=2", "text/html", ", ,", "application/*", "*/yaml", "\u0001"));
            case 1 -> h.put("If-Match", pick(r, "", " ", "W/\"1\"", "1", "\"0001\"", "\"+1\"", "*", "\"a\", \"b\"", "\"" + "9".repeat(40) + "\""));
            case 2 -> h.put("X-Garbage", "a".repeat(pick(r, 100, 10_000, 70_000)));
            case 3 -> {
                for (int i = 0; i < pick(r, 50, 500); i++) {
                    h.put("X-H" + i, "v" + i);
                }
            }
            case 4 -> h.put("X-Ctl", pick(r, "a\u0000b", "a\u0001b", "a\u007fb", "\u00ff\u00fe"));
            case 5 -> h.put("Origin", pick(r, "http://evil.example", "null", "", "http://localhost:1"));
            case 6 -> h.put("Content-Type", pick(r, "", "application/yaml; charset=ebcdic", "a/b/c", "application/json;;;", "multipart/form-data; boundary=x", "application/yaml; charset=utf-16"));
            case 7 -> h.put("Accept-Encoding", pick(r, "gzip;q=x", "br, zstd, *;q=0", "\u0000"));
            case 8 -> h.put("Transfer-Encoding", pick(r, "gzip", "chunked, chunked", "identity"));
            default -> h.put("Range", pick(r, "bytes=0-", "bytes=-1", "bytes=99999999999999999999-", "lines=1-2"));
        }
        boolean put = r.nextBoolean();
        if (put) {
            h.putIfAbsent("Content-Type", "application/yaml");
            byte[] body = Render.yaml(doc(r, "Tool", false)).getBytes(StandardCharsets.UTF_8);
            return new Req("header garbage PUT " + h.keySet().iterator().next(), "PUT", "/specs", h, body);
        }
        h.remove("Transfer-Encoding");
        return new Req("header garbage GET " + (h.isEmpty() ? "" : h.keySet().iterator().next()), "GET",
                pick(r, "/specs", "/sources", "/pools", "/specs/tool/" + name(r, "t")), h, null);
    }

    Req queryGarbage(Random r) {
        String q = pick(r, "kind=Pod", "kind=", "kind=%zz", "selector=%3D%3D", "selector=a=b=c", "selector=!", "selector=" + "a,".repeat(3000),
                "session=..%2f", "session=%00", "kind=tool&kind=relic", "x=" + "a".repeat(5000), "%", "&&&", "=", "kind=tool%",
                "selector=a%20in%20(b)", "kind=TOOL", "session=" + "s".repeat(100));
        if (r.nextInt(3) == 0) {
            String p = pick(r, "dryRun", "wait");
            String v = pick(r, "maybe", "", "1", "0", "TRUE", "yes", "%00", "true&" + p + "=false");
            String t = pick(r, "", "&timeout=999999999999999999m", "&timeout=-1s", "&timeout=1e3", "&timeout=%00", "&timeout=10m1s", "&timeout=PT1S");
            return new Req("query garbage PUT " + p, "PUT", "/specs?" + p + "=" + v + t, headers("Content-Type", "application/yaml"),
                    Render.yaml(doc(r, pick(r, "Tool", "Session"), false)).getBytes(StandardCharsets.UTF_8));
        }
        return new Req("query garbage GET", "GET", "/specs?" + q, headers(), null);
    }

    Req reads(Random r, List<String[]> knownKeys) {
        String accept = pick(r, "application/json", "application/yaml", "application/x-yaml", "text/yaml", "*/*");
        if (!knownKeys.isEmpty() && r.nextBoolean()) {
            String[] k = pick(r, knownKeys);
            String path = k[1] == null ? "/specs/" + k[0].toLowerCase(java.util.Locale.ROOT) + "/" + k[2]
                    : "/specs/" + k[0].toLowerCase(java.util.Locale.ROOT) + "/" + k[1] + "/" + k[2];
            return new Req("read one " + accept, "GET", path, headers("Accept", accept), null);
        }
        return new Req("read list " + accept, "GET", pick(r, "/specs", "/sources", "/pools", "/q/health/ready", "/q/health/live"),
                headers("Accept", accept), null);
    }

    Req deletes(Random r, List<String[]> knownKeys) {
        if (knownKeys.isEmpty() || r.nextInt(4) == 0) {
            return new Req("delete unknown", "DELETE", "/specs/" + pick(r, "tool", "session", "relic/s") + "/" + name(r, "x"), headers(), null);
        }
        String[] k = pick(r, knownKeys);
        String path = k[1] == null ? "/specs/" + k[0].toLowerCase(java.util.Locale.ROOT) + "/" + k[2]
                : "/specs/" + k[0].toLowerCase(java.util.Locale.ROOT) + "/" + k[1] + "/" + k[2];
        return new Req("delete known", "DELETE", path, headers(), null);
    }

    /** Bodies that are never a valid run request: each must be refused before anything waits. */
    Req execute(Random r) {
        Object body = pick(r, map("language", "cobol", "code", "x"), map("code", 5), List.of(), "str",
                map("language", "bash"), map("language", "bash", "code", "x", "timeout", -1),
                map("language", "bash", "code", "x", "timeout", tok(r, List.of(Tok.of("1e400"), Tok.of("0"), Tok.of("99999999999999999999")))),
                map("language", "bash", "code", "x", "timeout", "x"), map("language", "bash", "code", ""),
                map("language", List.of("bash"), "code", "x"));
        return new Req("execute invalid", "POST", "/execute", headers("Content-Type", "application/json"),
                Render.json(body).getBytes(StandardCharsets.UTF_8));
    }

    Req runActions(Random r, List<String> knownRuns) {
        String run = knownRuns.isEmpty() ? name(r, "run") : pick(r, knownRuns);
        return switch (r.nextInt(5)) {
            case 0 -> new Req("cancel", "POST", "/runs/" + run + "/cancel", headers(), null);
            case 1 -> new Req("logs", "GET", "/runs/" + run + "/logs" + pick(r, "", "?timestamps=true", "?follow=maybe"), headers(), null);
            case 2 -> new Req("run", "GET", "/runs/" + run + pick(r, "", "?session=..", "?session=%00"), headers(), null);
            case 3 -> new Req("delete run", "DELETE", "/runs/" + run, headers(), null);
            default -> new Req("run file", "GET", "/runs/" + run + "/files/result.json", headers(), null);
        };
    }

    // ---- bodies

    Body body(BodyClass c, Random r, boolean json) {
        return switch (c) {
            case VALID -> render(c, json, docs(r, 1 + r.nextInt(4), () -> doc(r, pick(r, "Tool", "Session", "ToolRun", "Relic", "Agent"), r.nextBoolean())));
            case TRUNCATED -> {
                String full = json ? Render.json(docs(r, 1 + r.nextInt(3), () -> doc(r, pick(r, "Tool", "Relic", "ToolRun"), true)))
                        : Render.yaml(docs(r, 1 + r.nextInt(3), () -> doc(r, pick(r, "Tool", "Relic", "ToolRun"), true)));
                int cut = r.nextInt(Math.max(1, full.length()));
                yield new Body("truncated", json, full.substring(0, cut).getBytes(StandardCharsets.UTF_8));
            }
            case RANDOM_BYTES -> {
                byte[] b = new byte[1 + r.nextInt(4096)];
                if (r.nextBoolean()) {
                    r.nextBytes(b);
                } else {
                    String meta = "{}[]:,-?&*!|>'\"%@`#\n\t ab1\\";
                    for (int i = 0; i < b.length; i++) {
                        b[i] = (byte) meta.charAt(r.nextInt(meta.length()));
                    }
                }
                yield new Body("random bytes", json, b);
            }
            case ALIAS_BOMB -> new Body("alias bomb", false, aliasBomb(r).getBytes(StandardCharsets.UTF_8));
            case TAGS -> {
                Map<String, Object> d = doc(r, "ToolRun", true);
                spec(d).put("parameters", map("v", new Tok(pick(r, TAGS), null)));
                String text = Render.yaml(d);
                if (r.nextInt(4) == 0) {
                    text = pick(r, TAGS) + "\n";
                } else if (r.nextInt(4) == 0) {
                    text = "%TAG ! tag:evil.example,2000:\n---\n" + text;
                }
                yield new Body("tags", false, text.getBytes(StandardCharsets.UTF_8));
            }
            case DEEP -> {
                int depth = pick(r, 10, 60, 62, 63, 64, 65, 66, 100, 1000, 20_000);
                Map<String, Object> d = doc(r, "ToolRun", true);
                // Written as text (flow syntax, valid JSON and YAML alike): a tree this deep would overflow the renderer's stack.
                StringBuilder open = new StringBuilder();
                char[] close = new char[depth];
                for (int i = 0; i < depth; i++) {
                    boolean list = r.nextBoolean();
                    open.append(list ? "[" : "{\"k\": ");
                    close[depth - 1 - i] = list ? ']' : '}';
                }
                spec(d).put("parameters", map("deep", Tok.of(open + "\"leaf\"" + new String(close))));
                yield render(c, json, d);
            }
            case HUGE_STRING -> {
                int size = pick(r, 1024, 32 * 1024, 32 * 1024 + 1, 64 * 1024 + 1, 1024 * 1024, 1024 * 1024 + 1, 3 * 1024 * 1024);
                String huge = "x".repeat(size);
                Map<String, Object> d;
                switch (r.nextInt(5)) {
                    case 0 -> {
                        d = doc(r, "Tool", false);
                        spec(d).put("env", map("BIG", huge));
                    }
                    case 1 -> {
                        d = doc(r, "ToolRun", false);
                        spec(d).put("code", huge);
                    }
                    case 2 -> {
                        d = doc(r, "ToolRun", true);
                        spec(d).put("parameters", map("big", huge));
                    }
                    case 3 -> {
                        d = doc(r, "Tool", false);
                        meta(d).put("annotations", map("a/b", huge));
                    }
                    default -> {
                        d = doc(r, "Tool", false);
                        meta(d).put("name", huge);
                    }
                }
                yield render(c, json, d);
            }
            case NUMBERS -> {
                String[] f = pick(r, NUMBER_FIELDS);
                Tok n = pick(r, NUMBERS);
                Map<String, Object> d = doc(r, f[0].equals("metadata") ? "Tool" : f[0], f[1].startsWith("parameters"));
                Map<String, Object> target = f[0].equals("metadata") ? meta(d) : spec(d);
                String[] path = f[1].split("\\.");
                for (int i = 0; i < path.length - 1; i++) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> next = (Map<String, Object>) target.computeIfAbsent(path[i], k -> new LinkedHashMap<>());
                    target = next;
                }
                target.put(path[path.length - 1], n);
                yield render(c, json, d);
            }
            case WRONG_TYPES -> {
                Map<String, Object> d = doc(r, pick(r, "Tool", "Relic", "ToolRun", "Session"), r.nextBoolean());
                Object wrong = pick(r, "60", true, List.of(1), map("a", 1), null, 5, 1.5, "");
                switch (r.nextInt(7)) {
                    case 0 -> d.put("metadata", java.util.Collections.singletonList(wrong));
                    case 1 -> d.put("spec", wrong);
                    case 2 -> d.put("kind", wrong);
                    case 3 -> meta(d).put("name", wrong);
                    case 4 -> meta(d).put("labels", wrong);
                    case 5 -> d.put("apiVersion", wrong);
                    default -> {
                        if (d.get("spec") instanceof Map<?, ?>) {
                            spec(d).put(pick(r, "image", "timeoutSeconds", "env", "port", "parameters", "tool", "ttlSeconds"), wrong);
                        }
                    }
                }
                yield render(c, json, d);
            }
            case BAD_UNICODE -> badUnicode(r, json);
            case DUPLICATE_KEYS -> {
                Map<String, Object> d = doc(r, "Tool", false);
                String text = json ? Render.json(d) : Render.yaml(d);
                String name = (String) meta(d).get("name");
                String dup = pick(r, "name", "image", "kind");
                text = switch (dup) {
                    case "name" -> json ? text.replace("\"name\":\"" + name + "\"", "\"name\":\"" + name + "\",\"name\":\"" + name + "-b\"")
                            : text.replace("\"name\": \"" + name + "\"", "\"name\": \"" + name + "\", \"name\": \"" + name + "-b\"");
                    case "image" -> json ? text.replace("\"image\":", "\"image\":\"a\",\"image\":")
                            : text.replace("\"image\": ", "\"image\": \"a\", \"image\": ");
                    default -> json ? text.replace("\"kind\":\"Tool\"", "\"kind\":\"Tool\",\"kind\":\"Session\"")
                            : text + "\"kind\": \"Session\"\n";
                };
                yield new Body("duplicate " + dup, json, text.getBytes(StandardCharsets.UTF_8));
            }
            case MANY_DOCS -> {
                int n = pick(r, 100, 1000, 3000);
                int batch = r.nextInt(1_000_000);
                List<Object> docs = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    docs.add(map("apiVersion", "corral.dev/v1", "kind", "Tool",
                            "metadata", map("name", prefix + "-m" + batch + "-" + i), "spec", map("image", "corral/busybox")));
                }
                if (r.nextInt(3) == 0) {
                    docs.add(map("apiVersion", "corral.dev/v1", "kind", "Tool", "metadata", map("name", "Bad_Name"), "spec", map()));
                }
                yield render(c, json, docs);
            }
        };
    }

    private Body badUnicode(Random r, boolean json) {
        Map<String, Object> d = doc(r, pick(r, "Tool", "ToolRun"), true);
        String lone = pick(r, LONE);
        String odd = pick(r, ODD_TEXT);
        switch (r.nextInt(8)) {
            case 0 -> {
                if (d.get("kind").equals("Tool")) {
                    spec(d).put("env", map("K", lone));
                } else {
                    spec(d).put("parameters", map("k", lone));
                }
            }
            case 1 -> {
                if (d.get("kind").equals("ToolRun")) {
                    spec(d).put("parameters", map(lone, 1));
                } else {
                    spec(d).put("env", map(lone, "v"));
                }
            }
            case 2 -> meta(d).put("labels", map("k", lone));
            case 3 -> meta(d).put("annotations", map("a/b", lone + odd));
            case 4 -> meta(d).put("name", lone);
            case 5 -> {
                if (d.get("kind").equals("ToolRun")) {
                    spec(d).put("parameters", map("odd", odd, odd, "key"));
                } else {
                    spec(d).put("env", map("ODD", odd));
                }
            }
            case 6 -> {
                // Invalid UTF-8 bytes in an otherwise valid body.
                String text = json ? Render.json(d) : Render.yaml(d);
                byte[] bad = pick(r, new byte[]{(byte) 0xC0, (byte) 0x80}, new byte[]{(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                        new byte[]{(byte) 0xFF}, new byte[]{(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, new byte[]{(byte) 0xE2, (byte) 0x82});
                byte[] t = text.getBytes(StandardCharsets.UTF_8);
                int at = r.nextInt(t.length);
                byte[] out = new byte[t.length + bad.length];
                System.arraycopy(t, 0, out, 0, at);
                System.arraycopy(bad, 0, out, at, bad.length);
                System.arraycopy(t, at, out, at + bad.length, t.length - at);
                return new Body("invalid utf-8", json, out);
            }
            default -> {
                // A BOM, or UTF-16, in front.
                String text = json ? Render.json(d) : Render.yaml(d);
                byte[] b = r.nextBoolean() ? ("\ufeff" + text).getBytes(StandardCharsets.UTF_8) : text.getBytes(StandardCharsets.UTF_16);
                return new Body("bom/utf-16", json, b);
            }
        }
        return render(BodyClass.BAD_UNICODE, json, d);
    }

    private static String aliasBomb(Random r) {
        int width = pick(r, 3, 9, 20);
        int depth = pick(r, 3, 6, 9);
        StringBuilder sb = new StringBuilder("a0: &a0 [" + "x,".repeat(width - 1) + "x]\n");
        for (int i = 1; i <= depth; i++) {
            sb.append('a').append(i).append(": &a").append(i).append(" [")
                    .append(("*a" + (i - 1) + ",").repeat(width - 1)).append("*a").append(i - 1).append("]\n");
        }
        if (r.nextBoolean()) {
            return "apiVersion: corral.dev/v1\nkind: ToolRun\nmetadata: {name: bomb}\nspec:\n  tool: t\n  parameters:\n"
                    + sb.toString().indent(4);
        }
        return sb.toString();
    }

    // ---- valid documents

    Map<String, Object> doc(Random r, String kind, boolean toolRunWithTool) {
        Map<String, Object> meta = map("name", switch (kind) {
            case "Session" -> name(r, "s");
            case "Tool" -> name(r, "t");
            case "ToolRun" -> name(r, "r");
            case "Relic" -> name(r, "web");
            default -> name(r, "a");
        });
        if (r.nextInt(3) == 0) {
            Map<String, Object> labels = new LinkedHashMap<>();
            for (String k : pick(r, List.of("z", "a", "m"), List.of("app"), List.of("tier", "app", "b", "x9", "k.io/z"))) {
                labels.put(k, "v" + r.nextInt(5));
            }
            meta.put("labels", labels);
        }
        Map<String, Object> spec = new LinkedHashMap<>();
        switch (kind) {
            case "Session" -> {
                if (r.nextBoolean()) {
                    spec.put("ttlSeconds", 1 + r.nextInt(100_000));
                }
            }
            case "Tool" -> {
                spec.put("image", "corral/busybox:v" + r.nextInt(5));
                if (r.nextBoolean()) {
                    spec.put("env", map("MODE", "m" + r.nextInt(3), "TEXT", pick(r, ODD_TEXT.subList(6, ODD_TEXT.size()))));
                }
                if (r.nextBoolean()) {
                    spec.put("timeoutSeconds", 1 + r.nextInt(86_400));
                }
            }
            case "ToolRun" -> {
                if (r.nextInt(3) == 0) {
                    meta.put("session", name(r, "s"));
                }
                if (toolRunWithTool) {
                    spec.put("tool", name(r, "t"));
                    spec.put("parameters", params(r, false));
                } else {
                    spec.put("language", pick(r, "bash", "python", "node"));
                    spec.put("code", "echo " + r.nextInt(3));
                }
            }
            case "Relic" -> {
                meta.put("session", name(r, "s"));
                spec.put("image", "corral/busybox:latest");
                if (r.nextBoolean()) {
                    spec.put("port", 1 + r.nextInt(65535));
                }
            }
            default -> spec.put("image", "corral/busybox");
        }
        return map("apiVersion", "corral.dev/v1", "kind", kind, "metadata", meta, "spec", spec);
    }

    /** Tool parameters; {@code edgy}: with numbers and text at the limits. */
    Map<String, Object> params(Random r, boolean edgy) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("text", "the quick brown fox");
        p.put("n", r.nextInt(1000));
        if (r.nextBoolean()) {
            p.put("list", List.of(1, "two", true, map("x", 1.5)));
        }
        if (edgy) {
            p.put("edge", tok(r, NUMBERS));
            p.put("odd", pick(r, ODD_TEXT));
        }
        return p;
    }

    String name(Random r, String kind) {
        return prefix + "-" + kind + r.nextInt(12);
    }

    // ---- helpers

    private static Body render(BodyClass c, boolean json, Object tree) {
        return new Body(c.name(), json, (json ? Render.json(tree) : Render.yaml(tree)).getBytes(StandardCharsets.UTF_8));
    }

    private static List<Object> docs(Random r, int n, Supplier<Object> one) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(one.get());
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> spec(Map<String, Object> doc) {
        return (Map<String, Object>) doc.get("spec");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> meta(Map<String, Object> doc) {
        return (Map<String, Object>) doc.get("metadata");
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static Map<String, String> headers(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static Tok tok(Random r, List<Tok> toks) {
        return toks.get(r.nextInt(toks.size()));
    }

    @SafeVarargs
    static <T> T pick(Random r, T... options) {
        return options[r.nextInt(options.length)];
    }

    static <T> T pick(Random r, List<T> options) {
        return options.get(r.nextInt(options.size()));
    }
}
