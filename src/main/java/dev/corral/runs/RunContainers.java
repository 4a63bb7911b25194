package dev.corral.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.config.CorralConfig;
import dev.corral.confinement.Confinements;
import dev.corral.ownership.Ownership;
import dev.corral.ownership.SpecHash;
import dev.corral.ownership.ResourceNames;
import dev.corral.runtime.ContainerRequest;
import dev.corral.runtime.ImageDefaults;
import dev.corral.runtime.Labels;
import dev.corral.spec.Json;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.spec.model.Isolation;
import dev.corral.spec.model.LogLimits;
import dev.corral.spec.model.PoolBounds;
import dev.corral.spec.model.Resources;
import dev.corral.spec.model.SecurityProfiles;
import dev.corral.spec.model.ToolRunSpec;
import dev.corral.spec.model.ToolSpec;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Turns a ToolRun (and its Tool) into the locked-down container that executes it. Pure. */
public final class RunContainers {

    /** The runner images' user; tool images get {@code nobody}, since most have no user of their own. */
    static final int RUNNER_UID = 1000;
    static final int NOBODY = 65534;

    /** Clears the image's ENTRYPOINT (as {@code docker run --entrypoint ""}): the launcher comes first. */
    private static final List<String> NO_ENTRYPOINT = List.of("");

    private RunContainers() {
    }

    /**
     * What every run of one Tool (or one language) shares: the container a warm pool keeps
     * ready is built from this alone.
     *
     * @param pool     the warm pool's key (a Tool's, or {@link Runner#poolKey}), or null
     * @param poolBounds how many warm containers that pool keeps
     * @param inline   whether the image's /workspace is writable by the run's user, so inputs can
     *                 be written by the launcher instead of uploaded (true of the runner images)
     * @param isolation   how tightly the runs are confined
     * @param confinement their further limits, log rotation, profiles and runtime
     */
    public record Shape(String image, String imageId, List<String> command, Map<String, String> env, long memoryMb,
                        double cpus, long pids, int uid, String network, ObjectKey pool, PoolBounds poolBounds, boolean inline,
                        Isolation isolation, ContainerRequest.Confinement confinement) {

        /** Identifies warm containers built from this shape: a changed Tool, or a new image, makes idle ones stale. */
        public String hash() {
            Map<String, Object> fields = new java.util.TreeMap<>();
            fields.put("image", image);
            fields.put("imageId", imageId);
            fields.put("command", command);
            fields.put("env", env);
            fields.put("memoryMb", memoryMb);
            fields.put("cpus", cpus);
            fields.put("pids", pids);
            fields.put("uid", uid);
            fields.put("inline", inline);
            fields.put("isolation", isolation.name());
            fields.put("confinement", confinement);
            return SpecHash.of(fields);
        }
    }

    /**
     * Everything needed to start a run.
     *
     * @param files    workspace files (paths relative to /workspace) the run gets
     * @param runEnv   the run's own environment ({@code CORRAL_PARAM_*}), on top of the shape's
     * @param timeout  seconds, enforced by Corral
     * @param ttl      seconds the finished run's record is kept
     */
    public record RunSetup(Shape shape, ContainerRequest request, Map<String, byte[]> files, Map<String, String> runEnv,
                          long timeout, long ttl) {

        /** Whether the inputs travel in the launcher's environment (else: an archive upload before the start). */
        public boolean inlineFiles() {
            return preparedWorkspace() || inline(shape, files);
        }

        /** Whether the container takes a workspace prepared ahead ({@link #withWorkspaceFrom}). */
        public boolean preparedWorkspace() {
            return request.hardening() != null && request.hardening().workspaceFrom() != null;
        }

        /**
         * Whether a workspace prepared ahead ({@link WorkspaceStock}) would spare this run its upload: its image's
         * workspace is not its user's, and its inputs can travel in the launcher's environment.
         */
        public boolean wantsPreparedWorkspace() {
            return !inlineFiles() && Launcher.inlinable(files);
        }

        /** This run with the workspace of {@code holder} (a {@link WorkspaceStock} holder): its inputs inline. */
        public RunSetup withWorkspaceFrom(String holder) {
            Launcher.Cold cold = Launcher.cold(absolute(files), shape.command());
            ContainerRequest r = request.withCommand(cold.command(), environment(shape, runEnv, cold))
                    .withHardening(request.hardening().withWorkspaceFrom(holder));
            return new RunSetup(shape, r, files, runEnv, timeout, ttl);
        }

        /** What a warm container is given on stdin to become this run ({@link Launcher#payload}). */
        public byte[] payload(long lingerSeconds) {
            if (!runEnv.isEmpty() && prestarted(shape).isPresent()) {
                // A language run has no environment of its own; a command already started could not see one.
                throw new IllegalStateException("a run with its own environment in a prestarted container");
            }
            return Launcher.payload(absolute(files), runEnv, lingerSeconds);
        }
    }

    /**
     * A language run's limits. The ToolRun schema has no {@code resources} (a run takes its Tool's),
     * and a language run has no Tool: these are Corral's own, as they have always been.
     */
    static final Resources LANGUAGE_RESOURCES = new Resources(256, 1.0, 128);

    /** A language run's isolation: a Tool's default, as the code is as untrusted as any tool's. */
    static final Isolation LANGUAGE_ISOLATION = Isolation.TOOL_DEFAULT;

    /**
     * The shape of a language's runs.
     */
    public static Shape shape(Runner runner, ImageDefaults defaults, CorralConfig.Runs cfg) {
        return new Shape(runner.image(cfg), defaults.id(), List.of(runner.interpreter(), runner.scriptPath()), Map.of(),
                LANGUAGE_RESOURCES.memoryMb(), LANGUAGE_RESOURCES.cpus(), LANGUAGE_RESOURCES.pids(), RUNNER_UID, null,
                runner.poolKey(), runner.pool(cfg), true, LANGUAGE_ISOLATION, Confinements.confinement(LANGUAGE_ISOLATION,
                        LANGUAGE_RESOURCES, LogLimits.DEFAULT, SecurityProfiles.DEFAULTS));
    }

    /**
     * The shape of a Tool's runs.
     *
     * @param session the run's session (null for a pool's shape, which cannot use {@code network: session})
     * @throws IllegalArgumentException when the Tool's runs need a session and there is none
     */
    public static Shape shape(ObjectKey toolKey, ToolSpec tool, String session, ImageDefaults defaults) {
        String network = null;
        if (tool.sessionNetwork()) {
            if (session == null) {
                throw new IllegalArgumentException("Tool \"" + toolKey.name()
                        + "\" uses network: session, and this run has no session");
            }
            network = ResourceNames.network(session);
        }
        List<String> command = defaults.commandLine(tool.command());
        if (command.isEmpty()) {
            throw new IllegalArgumentException("Tool \"" + toolKey.name()
                    + "\" has no command, and its image " + tool.image() + " has none either");
        }
        Resources res = tool.resources();
        return new Shape(tool.image(), defaults.id(), command, tool.env(), res.memoryMb(), res.cpus(), res.pids(), NOBODY,
                network, toolKey, tool.pool(), false, tool.isolation(),
                Confinements.confinement(tool.isolation(), res, tool.logs(), tool.security()));
    }

    /**
     * The Tool a tool run names, as stored; null for a language run.
     *
     * @param stored the store's lookup
     * @throws IllegalArgumentException when it does not exist
     */
    public static ToolSpec toolOf(ToolRunSpec spec, java.util.function.Function<ObjectKey, java.util.Optional<SpecObject>> stored) {
        if (spec.languageRun()) {
            return null;
        }
        return ToolSpec.of(stored.apply(toolKey(spec)).orElseThrow(() ->
                new IllegalArgumentException("Tool \"" + spec.tool() + "\" does not exist")).spec());
    }

    /** The image a Tool's runs use, or a language's runner image when {@code tool} is null. */
    public static String image(ToolSpec tool, Runner runner, CorralConfig.Runs cfg) {
        return tool != null ? tool.image() : runner.image(cfg);
    }

    /** A Tool's pull policy; runner images are Corral's own, pulled only when missing. */
    public static String pullPolicy(ToolSpec tool) {
        return tool == null ? "IfNotPresent" : tool.imagePullPolicy();
    }

    /**
     * @param spec     the run's spec, typed
     * @param tool     the spec of the Tool a tool run names (null for language runs, and when it does not exist)
     * @param defaults the run image's ENTRYPOINT and CMD (a Tool's command goes after its ENTRYPOINT, as in Docker)
     * @throws IllegalArgumentException with a message for status when the run cannot be built
     */
    public static RunSetup setup(SpecObject run, ToolRunSpec spec, ToolSpec tool, ImageDefaults defaults,
                                 CorralConfig.Runs cfg) {
        return setup(run, spec, tool, defaults, cfg, false);
    }

    /**
     * A run as a Swarm job: its inputs always in the launcher's environment (no archive can be uploaded to a
     * task's container on another node), written to a workspace every user may write (a tmpfs, on Swarm).
     *
     * @throws IllegalArgumentException also when the inputs cannot travel in the environment
     */
    public static RunSetup job(SpecObject run, ToolRunSpec spec, ToolSpec tool, ImageDefaults defaults,
                               CorralConfig.Runs cfg) {
        return setup(run, spec, tool, defaults, cfg, true);
    }

    private static RunSetup setup(SpecObject run, ToolRunSpec spec, ToolSpec tool, ImageDefaults defaults,
                                  CorralConfig.Runs cfg, boolean job) {
        String session = run.metadata().session();
        Map<String, String> runEnv = new TreeMap<>();
        Map<String, byte[]> files = new LinkedHashMap<>();
        long timeout;
        long ttl;
        JsonNode parameters = spec.parameters() != null ? spec.parameters() : Json.MAPPER.createObjectNode();
        Shape shape;
        if (spec.languageRun()) {
            Runner runner = Runner.of(spec.language());
            shape = shape(runner, defaults, cfg);
            files.put(runner.scriptPath().substring("/workspace/".length()), spec.code().getBytes(StandardCharsets.UTF_8));
            timeout = spec.timeoutSeconds() != null ? spec.timeoutSeconds() : cfg.defaultTimeoutSeconds();
            ttl = spec.ttlSeconds(null);
        } else {
            if (tool == null) {
                throw new IllegalArgumentException("Tool \"" + spec.tool() + "\" does not exist");
            }
            shape = shape(toolKey(spec), tool, session, defaults);
            timeout = spec.timeoutSeconds() != null ? spec.timeoutSeconds() : tool.timeoutSeconds();
            ttl = spec.ttlSeconds(tool);
            parameters.fields().forEachRemaining(p -> runEnv.put(paramEnv(p.getKey()),
                    p.getValue().isTextual() ? p.getValue().asText() : p.getValue().toString()));
        }
        files.put("data/input.json", json(parameters));
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("run", run.metadata().name());
        if (session != null) {
            event.put("session", session);
        }
        event.put("tool", spec.tool());
        event.put("language", spec.language());
        event.put("uid", run.metadata().uid());
        event.put("createdAt", String.valueOf(run.metadata().createdAt()));
        files.put("data/event.json", json(event));

        Map<String, String> labels = Ownership.of(run);
        labels.put(Labels.SPEC_HASH, "run");
        if (job && !Launcher.inlinable(files)) {
            throw new IllegalArgumentException("its inputs cannot run as a Swarm job: they travel in the job's "
                    + "environment, which takes text files of at most " + Launcher.INLINE_FILE_MAX + " bytes each and "
                    + Launcher.INLINE_TOTAL_MAX + " in all");
        }
        Launcher.Cold cold = Launcher.cold(job || inline(shape, files) ? absolute(files) : Map.of(), shape.command());
        ContainerRequest request = request(shape, ResourceNames.container(run.key()), labels, cold.command(),
                environment(shape, runEnv, cold), shape.network(), false);
        return new RunSetup(shape, request, files, runEnv, timeout, ttl);
    }

    /** The key of the Tool a tool run names. */
    public static ObjectKey toolKey(ToolRunSpec spec) {
        return ObjectKey.of(Kind.Tool, null, spec.tool());
    }

    /** One idle container of a warm pool: the shape's limits and lock-down, waiting for its run. */
    public static ContainerRequest warm(Shape shape, String name) {
        return request(shape, name, Ownership.warm(shape.pool(), shape.hash()), warmCommand(shape), shape.env(), null, true);
    }

    /** A language pool's container starts its interpreter ahead when its runner says so ({@link Prestart}). */
    static List<String> warmCommand(Shape shape) {
        return prestarted(shape).map(Launcher::prestarted).orElseGet(() -> Launcher.warm(shape.command()));
    }

    private static java.util.Optional<List<String>> prestarted(Shape shape) {
        return shape.pool() == null ? java.util.Optional.empty() : Runner.ofPoolKey(shape.pool()).flatMap(Runner::prestarted);
    }

    /** A run container of this shape: its limits and lock-down, the launcher first, stdin open for a warm one. */
    private static ContainerRequest request(Shape shape, String name, Map<String, String> labels, List<String> cmd,
                                            Map<String, String> env, String network, boolean stdin) {
        var hardening = Confinements.run(shape.isolation(), shape.uid() + ":" + shape.uid(), stdin);
        return new ContainerRequest(name, shape.image(), NO_ENTRYPOINT, cmd, env, labels,
                shape.memoryMb() * 1024 * 1024, Math.round(shape.cpus() * 1e9), shape.pids(), network, List.of(),
                List.of(), hardening, shape.confinement());
    }

    /** A cold run's environment: its Tool's, its parameters, and what carries its inputs to the launcher. */
    private static Map<String, String> environment(Shape shape, Map<String, String> runEnv, Launcher.Cold cold) {
        Map<String, String> env = new TreeMap<>(shape.env());
        env.putAll(runEnv);
        env.putAll(cold.env());
        return env;
    }

    private static boolean inline(Shape shape, Map<String, byte[]> files) {
        return shape.inline() && Launcher.inlinable(files);
    }

    /** Workspace-relative paths made absolute, for the launcher. */
    private static Map<String, byte[]> absolute(Map<String, byte[]> files) {
        Map<String, byte[]> abs = new LinkedHashMap<>();
        files.forEach((k, v) -> abs.put("/workspace/" + k, v));
        return abs;
    }

    /** {@code max-retries} becomes {@code CORRAL_PARAM_MAX_RETRIES}. */
    static String paramEnv(String name) {
        return "CORRAL_PARAM_" + name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_");
    }

    private static byte[] json(JsonNode n) {
        try {
            return Json.MAPPER.writeValueAsBytes(n);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
