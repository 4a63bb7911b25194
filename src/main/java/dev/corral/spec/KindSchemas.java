package dev.corral.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.spec.schema.AnyObjectSchema;
import dev.corral.spec.schema.BooleanSchema;
import dev.corral.spec.schema.FieldError;
import dev.corral.spec.schema.IntegerSchema;
import dev.corral.spec.schema.ListSchema;
import dev.corral.spec.schema.MapSchema;
import dev.corral.spec.schema.NumberSchema;
import dev.corral.spec.schema.ObjectSchema;
import dev.corral.spec.schema.Schema;
import dev.corral.spec.schema.StringSchema;
import dev.corral.spec.model.Isolation;
import dev.corral.spec.model.LogLimits;
import dev.corral.spec.model.SecurityProfiles;

import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code spec} schema of every kind: the one place that says which fields exist, their
 * ranges and their defaults. {@code docs/spec-reference.md} describes the same fields for users.
 */
final class KindSchemas {

    static final int MAX_CODE_BYTES = 1024 * 1024;

    private KindSchemas() {
    }

    /**
     * @param codeRoots where an Agent's {@code code} host directory may be; resolves relative paths
     */
    static Map<Kind, ObjectSchema> build(HostPaths codeRoots) {
        Map<Kind, ObjectSchema> m = new EnumMap<>(Kind.class);
        m.put(Kind.Session, session());
        m.put(Kind.Relic, container(false, codeRoots));
        m.put(Kind.Agent, container(true, codeRoots));
        m.put(Kind.Tool, tool());
        m.put(Kind.ToolRun, toolRun());
        return m;
    }

    static ObjectSchema metadata() {
        return new ObjectSchema()
                .required("name", dnsLabel())
                .optional("session", dnsLabel())
                .optional("labels", new MapSchema(Names.LABEL_KEY,
                        "must be a label key: an optional DNS prefix and '/', then up to 63 letters, digits, '-', '_' or '.'",
                        new StringSchema().pattern(Names.LABEL_VALUE,
                                "must be a label value: up to 63 letters, digits, '-', '_' or '.'"), 64))
                .optional("annotations", new MapSchema(Names.LABEL_KEY, "must be a valid annotation key",
                        new StringSchema().length(0, 64 * 1024), 64))
                .optional("resourceVersion", new IntegerSchema(0, Long.MAX_VALUE))
                // Set by Corral: accepted (so that what GET returns can be applied again) and ignored.
                .optional("uid", new StringSchema().length(0, 64))
                .optional("generation", new IntegerSchema(0, Long.MAX_VALUE))
                .optional("createdAt", new StringSchema().length(0, 64))
                .optional("updatedAt", new StringSchema().length(0, 64))
                .optional("source", new StringSchema().length(0, 4096));
    }

    private static StringSchema dnsLabel() {
        return new StringSchema().length(1, Names.MAX_NAME).pattern(Names.DNS_LABEL, Names.DNS_LABEL_MESSAGE);
    }

    private static ObjectSchema session() {
        ObjectSchema network = new ObjectSchema()
                .optional("internal", new BooleanSchema(), true)
                .refuse("driver", "network drivers are chosen by Corral (a bridge network per session)")
                .refuse("host", "host networking is not allowed");
        return new ObjectSchema()
                .optional("network", network, defaultsOf(network))
                .optional("ttlSeconds", new IntegerSchema(1, 365L * 24 * 3600));
    }

    static ObjectSchema resources() {
        return new ObjectSchema()
                .optional("memoryMb", new IntegerSchema(6, 65536), 256)
                .optional("cpus", new NumberSchema(0.01, 64), 0.5)
                .optional("pids", new IntegerSchema(8, 32768), 256)
                .optional("openFiles", new IntegerSchema(16, 1L << 20))
                .optional("processes", new IntegerSchema(8, 1L << 20))
                .optional("diskReadBps", new IntegerSchema(64 * 1024, 1L << 40))
                .optional("diskWriteBps", new IntegerSchema(64 * 1024, 1L << 40));
    }

    /** {@code isolation}, {@code logs} and {@code security}: how a container is confined, for every kind that has one. */
    private static ObjectSchema confined(ObjectSchema s, Isolation byDefault) {
        ObjectSchema logs = new ObjectSchema()
                .optional("maxSizeMb", new IntegerSchema(1, 10 * 1024), LogLimits.DEFAULT.maxSizeMb())
                .optional("maxFiles", new IntegerSchema(1, 100), LogLimits.DEFAULT.maxFiles());
        ObjectSchema security = new ObjectSchema()
                .optional("seccomp", profileName(), SecurityProfiles.DEFAULT)
                .optional("apparmor", profileName(), SecurityProfiles.DEFAULT);
        return s.optional("isolation", new StringSchema().oneOf(names(Isolation.values())), byDefault.name())
                .optional("logs", logs, defaultsOf(logs))
                .optional("security", security, defaultsOf(security));
    }

    /** Swarm's placement: constraints ({@code ATTRIBUTE==VALUE}, {@code !=}). */
    private static ObjectSchema placement() {
        return new ObjectSchema()
                .optional("constraints", new ListSchema(new StringSchema().length(4, 256).pattern(
                        "(node\\.(id|hostname|role|platform\\.os|platform\\.arch|labels\\.[A-Za-z0-9_.-]+)"
                                + "|engine\\.labels\\.[A-Za-z0-9_.-]+) *(==|!=) *[^ ].*",
                        "must be ATTRIBUTE==VALUE or ATTRIBUTE!=VALUE, ATTRIBUTE one of node.id, node.hostname, "
                                + "node.role, node.platform.os, node.platform.arch, node.labels.NAME, engine.labels.NAME"),
                        0, 32));
    }

    private static StringSchema profileName() {
        return new StringSchema().length(1, 64).pattern("[A-Za-z0-9][A-Za-z0-9_.-]*",
                "must be default, unconfined or a profile's name: letters, digits, '_', '.' and '-'");
    }

    private static String[] names(Enum<?>[] values) {
        return java.util.Arrays.stream(values).map(Enum::name).toArray(String[]::new);
    }

    private static ObjectSchema container(boolean agent, HostPaths codeRoots) {
        ObjectSchema s = new ObjectSchema()
                .required("image", image())
                .optional("command", stringList(64))
                .optional("args", stringList(256))
                .optional("env", new MapSchema(Names.ENV_NAME,
                        "must be an environment variable name: letters, digits and '_', not starting with a digit",
                        new StringSchema().length(0, 32 * 1024), 256))
                .optional("port", new IntegerSchema(1, 65535))
                .optional("resources", resources(), defaultsOf(resources()))
                .optional("health", health())
                .optional("restartPolicy", new StringSchema().oneOf("Always", "OnFailure", "Never"), "Always")
                .optional("maxRestarts", new IntegerSchema(0, 100_000))
                .optional("volumes", new ListSchema(volume(), 0, 32))
                .optional("imagePullPolicy", new StringSchema().oneOf("IfNotPresent", "Always", "Never"), "IfNotPresent")
                .optional("lifetimeSeconds", new IntegerSchema(1, 365L * 24 * 3600))
                .optional("state", new StringSchema().oneOf("Running", "Stopped", "Paused"), "Running")
                .optional("placement", placement())
                .refuse("privileged", "privileged containers are not allowed")
                .refuse("hostNetwork", "host networking is not allowed")
                .refuse("network", "containers join their session's network; other networks are not allowed")
                .refuse("capAdd", "adding capabilities is not allowed")
                .refuse("devices", "host devices are not allowed")
                .refuse("hostPath", "host bind mounts are not allowed; use volumes" + (agent ? " or code" : ""))
                .rule(KindSchemas::uniqueVolumes);
        confined(s, Isolation.CONTAINER_DEFAULT);
        if (agent) {
            s.optional("code", new StringSchema().length(1, 4096))
                    .rule((spec, path, errors) -> {
                        if (spec.path("code").isTextual()) {
                            HostPaths.Resolved r = codeRoots.resolve(spec.get("code").asText());
                            if (r.error() != null) {
                                errors.add(new FieldError(null, Schema.child(path, "code"), r.error()));
                            } else {
                                spec.put("code", r.path().toString());
                            }
                        }
                    });
        }
        return s;
    }

    private static ObjectSchema tool() {
        return confined(new ObjectSchema(), Isolation.TOOL_DEFAULT)
                .required("image", image())
                .optional("command", stringList(64))
                .optional("env", new MapSchema(Names.ENV_NAME,
                        "must be an environment variable name: letters, digits and '_', not starting with a digit",
                        new StringSchema().length(0, 32 * 1024), 256))
                .optional("resources", resources(), defaultsOf(resources()))
                .optional("timeoutSeconds", new IntegerSchema(1, 24 * 3600), 60)
                .optional("network", new StringSchema().oneOf("none", "session"), "none")
                .optional("ttlSecondsAfterFinished", new IntegerSchema(0, 7L * 24 * 3600), 3600)
                .optional("imagePullPolicy", new StringSchema().oneOf("IfNotPresent", "Always", "Never"), "IfNotPresent")
                .optional("pool", new ObjectSchema().required("size", new IntegerSchema(0, MAX_POOL))
                        .optional("max", new IntegerSchema(0, MAX_POOL_GROWN)).rule(KindSchemas::poolMaxNotBelowSize))
                // Where its runs go when they are Swarm jobs (corral.engine.runs=swarm); ignored otherwise.
                .optional("placement", placement())
                .refuse("privileged", "privileged containers are not allowed")
                .refuse("hostNetwork", "host networking is not allowed")
                .rule(KindSchemas::poolWithoutSessionNetwork);
    }

    /** Warm containers per pool: each is a running container (a few MiB while idle, up to its limits). */
    static final int MAX_POOL = 64;

    /**
     * How far a pool may grow under demand: higher than its steady size, as a grown pool only holds
     * containers that runs asked for (each miss adds one) and gives them back when idle.
     */
    static final int MAX_POOL_GROWN = 256;

    private static void poolMaxNotBelowSize(ObjectNode pool, String path, List<FieldError> errors) {
        if (pool.has("max") && pool.path("max").asInt() < pool.path("size").asInt()) {
            errors.add(new FieldError(null, Schema.child(path, "max"),
                    "must be at least size (" + pool.path("size").asInt() + "): the most the pool grows to"));
        }
    }

    private static void poolWithoutSessionNetwork(ObjectNode spec, String path, List<FieldError> errors) {
        JsonNode pool = spec.path("pool");
        if (pool.path("max").asInt(pool.path("size").asInt(0)) > 0 && "session".equals(spec.path("network").asText())) {
            // A warm container is made before its run (and its session) is known, and one without a
            // network cannot join one later.
            errors.add(new FieldError(null, Schema.child(path, "pool"),
                    "a warm pool cannot be used with network: session (a warm container has no session)"));
        }
    }

    private static ObjectSchema toolRun() {
        return new ObjectSchema()
                .optional("tool", dnsLabel())
                .optional("parameters", new AnyObjectSchema())
                .optional("language", new StringSchema().oneOf("bash", "python", "node"))
                .optional("code", new StringSchema().length(1, MAX_CODE_BYTES))
                .optional("timeoutSeconds", new IntegerSchema(1, 24 * 3600))
                .optional("ttlSecondsAfterFinished", new IntegerSchema(0, 7L * 24 * 3600))
                .optional("keepContainer", new BooleanSchema())
                .rule(KindSchemas::toolOrCode);
    }

    private static void toolOrCode(ObjectNode spec, String path, List<dev.corral.spec.schema.FieldError> errors) {
        boolean tool = spec.has("tool");
        boolean language = spec.has("language");
        if (tool == language) {
            errors.add(new FieldError(null, path, tool
                    ? "set either tool (with parameters) or language (with code), not both"
                    : "must set either tool (with parameters) or language (with code)"));
        } else if (tool && spec.has("code")) {
            errors.add(new FieldError(null, Schema.child(path, "code"), "only allowed with language, not with tool"));
        } else if (language && spec.has("parameters")) {
            errors.add(new FieldError(null, Schema.child(path, "parameters"), "only allowed with tool, not with language"));
        } else if (language && !spec.has("code")) {
            errors.add(new FieldError(null, Schema.child(path, "code"), "is required with language"));
        }
    }

    private static StringSchema image() {
        // Docker reference grammar, loosely: [registry[:port]/]path[:tag][@digest].
        return new StringSchema().length(1, 255).pattern(
                "[a-z0-9]([-a-z0-9._:/]*[a-z0-9])?(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?",
                "must be an image reference like name:tag or registry/name:tag");
    }

    private static ListSchema stringList(int max) {
        return new ListSchema(new StringSchema().length(0, 32 * 1024), 0, max);
    }

    private static ObjectSchema health() {
        ObjectSchema http = new ObjectSchema()
                .optional("path", new StringSchema().length(1, 2048).pattern("/\\S*", "must be a path starting with /"), "/")
                .required("port", new IntegerSchema(1, 65535));
        ObjectSchema tcp = new ObjectSchema().required("port", new IntegerSchema(1, 65535));
        ObjectSchema exec = new ObjectSchema().required("command", new ListSchema(new StringSchema().length(0, 4096), 1, 64));
        return new ObjectSchema()
                .optional("http", http)
                .optional("tcp", tcp)
                .optional("exec", exec)
                .optional("initialDelaySeconds", new IntegerSchema(0, 3600), 0)
                .optional("periodSeconds", new IntegerSchema(1, 3600), 10)
                .optional("timeoutSeconds", new IntegerSchema(1, 3600), 1)
                .optional("failureThreshold", new IntegerSchema(1, 100), 3)
                .optional("startupTimeoutSeconds", new IntegerSchema(1, 24 * 3600), 300)
                .rule((o, path, errors) -> {
                    int probes = (o.has("http") ? 1 : 0) + (o.has("tcp") ? 1 : 0) + (o.has("exec") ? 1 : 0);
                    if (probes != 1) {
                        errors.add(new FieldError(null, path, "must set exactly one of http, tcp or exec"));
                    }
                });
    }

    private static ObjectSchema volume() {
        return new ObjectSchema()
                .required("name", dnsLabel())
                .required("mountPath", new StringSchema().length(2, 4096)
                        .pattern("/[^\\x00]*", "must be an absolute path")
                        .check(p -> p.contains("/../") || p.endsWith("/..") ? "must not contain '..'" : null))
                .optional("readOnly", new BooleanSchema(), false);
    }

    private static void uniqueVolumes(ObjectNode spec, String path, List<FieldError> errors) {
        if (!spec.has("volumes")) {
            return;
        }
        Set<String> names = new HashSet<>();
        Set<String> paths = new HashSet<>();
        for (int i = 0; spec.get("volumes").isArray() && i < spec.get("volumes").size(); i++) {
            var v = spec.get("volumes").get(i);
            String p = Schema.index(Schema.child(path, "volumes"), i);
            if (v.has("name") && !names.add(v.get("name").asText())) {
                errors.add(new FieldError(null, Schema.child(p, "name"), "duplicate volume name"));
            }
            if (v.has("mountPath") && !paths.add(v.get("mountPath").asText())) {
                errors.add(new FieldError(null, Schema.child(p, "mountPath"), "duplicate mount path"));
            }
        }
    }

    private static ObjectNode defaultsOf(ObjectSchema schema) {
        return (ObjectNode) schema.check(Json.MAPPER.createObjectNode(), "", new java.util.ArrayList<>());
    }
}
