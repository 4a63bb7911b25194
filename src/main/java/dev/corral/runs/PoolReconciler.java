package dev.corral.runs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.config.CorralConfig;
import dev.corral.loop.KindReconciler;
import dev.corral.loop.ObservedState;
import dev.corral.loop.Readiness;
import dev.corral.loop.ReconcileException;
import dev.corral.loop.Result;
import dev.corral.runtime.ContainerRequest;
import dev.corral.runtime.ContainerRuntime;
import dev.corral.runtime.ImageDefaults;
import dev.corral.runtime.ImageUnavailableException;
import dev.corral.runtime.Labels;
import dev.corral.runtime.ObservedContainer;
import dev.corral.spec.Json;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.spec.model.PoolBounds;
import dev.corral.spec.model.ToolSpec;
import dev.corral.store.SpecStore;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps a warm pool at its target: {@code pool.size} idle containers of a Tool (or
 * {@code corral.runs.<language>-pool-size} of a language runner), more while runs find it empty, up
 * to {@code pool.max} (see {@link WarmPools#target}), created and started with the runs' limits and
 * lock-down, each waiting in the {@link Launcher} for one run. Missing ones are started
 * {@link PoolStarter#BATCH} at a time, in parallel, a batch per pass. Claimed ones
 * belong to their run; idle ones that are stale (the Tool changed), dead, surplus or not
 * started by this process are removed, and missing ones created. Writes the Tool's
 * {@code status.pool}.
 */
public final class PoolReconciler implements KindReconciler {

    private static final Logger LOG = Logger.getLogger(PoolReconciler.class);

    private final SpecStore store;
    private final ContainerRuntime runtime;
    private final ObservedState observed;
    private final WarmPools pools;
    private final CorralConfig.Runs config;
    private final PoolStarter starter = new PoolStarter();

    /** How soon a pool whose refill waits for a burst to ease off is looked at again. */
    static final Duration REFILL_WAIT = Duration.ofMillis(250);

    private final boolean pooling;
    private final String node;

    /** What a pass over one pool came to: written to the Tool's {@code status.pool} by default. */
    @FunctionalInterface
    public interface Report {
        /**
         * @param spec    the Tool's spec, typed (null with {@code tool})
         * @param message what keeps the pool from its target, or null
         */
        void pool(SpecObject tool, ToolSpec spec, int target, int ready, String message);
    }

    public PoolReconciler(SpecStore store, ContainerRuntime runtime, ObservedState observed, WarmPools pools,
                          CorralConfig.Runs config) {
        this(store, runtime, observed, pools, config, true);
    }

    /** @param pooling false when runs are Swarm jobs, which take no warm container: no pool is kept, any left goes */
    public PoolReconciler(SpecStore store, ContainerRuntime runtime, ObservedState observed, WarmPools pools,
                          CorralConfig.Runs config, boolean pooling) {
        this(store, runtime, observed, pools, config, pooling, null);
    }

    /**
     * @param node the Swarm node whose engine {@code runtime} is: its warm containers carry its name
     *             ({@link Labels#NODE}), and only those are its own (null: only those without)
     */
    public PoolReconciler(SpecStore store, ContainerRuntime runtime, ObservedState observed, WarmPools pools,
                          CorralConfig.Runs config, boolean pooling, String node) {
        this.node = node;
        this.pooling = pooling;
        this.store = store;
        this.runtime = runtime;
        this.observed = observed;
        this.pools = pools;
        this.config = config;
    }

    @Override
    public Set<Kind> kinds() {
        return Set.of(Kind.Tool);
    }

    /** Tools are templates: nothing to wait for. */
    @Override
    public Readiness.Outcome readiness(SpecObject tool) {
        return Readiness.Outcome.Ready;
    }

    /** The runner pools' keys: reconciled at every resync, whether or not they own anything yet. */
    @Override
    public List<ObjectKey> resyncKeys() {
        return java.util.Arrays.stream(Runner.values()).map(Runner::poolKey).toList();
    }

    /** Idle warm containers would not be trusted by the next start (it replaces them): they go now. */
    @Override
    public void shutdown() {
        starter.close();
        for (String id : pools.drainIdle()) {
            try {
                runtime.removeContainer(id);
            } catch (RuntimeException e) {
                LOG.debugf("warm container %s not removed at shutdown: %s", id, e.getMessage());
            }
        }
    }

    @Override
    public Result reconcile(ObjectKey key, SpecObject tool) {
        return reconcile(key, tool, pooling, this::writeStatus);
    }

    /**
     * @param keep   false: this engine keeps no pool of the Tool (its placement excludes the node), any left goes
     * @param report told what the pass came to (several nodes' passes make one status)
     */
    public Result reconcile(ObjectKey key, SpecObject tool, boolean keep, Report report) {
        Runner runner = Runner.ofPoolKey(key).orElse(null);
        ToolSpec toolSpec = runner == null && tool != null ? ToolSpec.of(tool.spec()) : null;
        PoolBounds bounds = !keep ? PoolBounds.NONE
                : runner != null ? runner.pool(config) : toolSpec != null ? toolSpec.pool() : PoolBounds.NONE;
        if (runner == null && tool == null) {
            pools.forgetPool(key);
        }
        RunContainers.Shape shape = null;
        if (bounds.pooled()) {
            String image = RunContainers.image(toolSpec, runner, config);
            ImageDefaults defaults;
            try {
                // Never "Always" from here: a pool is reconciled at every resync, and would pull each time. Runs
                // honour the policy; an image they pull anew changes the id, and so the idle containers.
                String policy = "Never".equals(RunContainers.pullPolicy(toolSpec)) ? "Never" : "IfNotPresent";
                defaults = runtime.ensureImage(image, policy);
            } catch (ImageUnavailableException e) {
                report.pool(tool, toolSpec, 0, 0, e.getMessage());
                throw ReconcileException.retryable("ImageUnavailable", e.getMessage(), e);
            }
            try {
                shape = runner != null ? RunContainers.shape(runner, defaults, config)
                        : RunContainers.shape(tool.key(), toolSpec, null, defaults);
            } catch (IllegalArgumentException e) {
                report.pool(tool, toolSpec, 0, 0, e.getMessage());
                return Result.terminal(e.getMessage());
            }
        }
        int target = shape == null ? 0 : pools.target(key, bounds);
        pools.keptAt(key, target);
        String hash = shape == null ? null : shape.hash();
        int ready = 0;
        String died = null;
        for (ObservedContainer c : observed.containersOf(key)) {
            if (!"true".equals(c.label(Labels.POOL)) || !java.util.Objects.equals(node, c.label(Labels.NODE))) {
                continue;
            }
            WarmPools.Standing standing = pools.standing(key, c.id(), String.valueOf(hash));
            if (standing == WarmPools.Standing.CLAIMED) {
                continue;
            }
            if (standing == WarmPools.Standing.IDLE && c.running() && ready < target) {
                ready++;
                continue;
            }
            // Stale (the Tool changed), dead, surplus (a grown pool shrinking back), or left by an earlier
            // process; unless just claimed.
            if (!pools.retire(c.id())) {
                continue;
            }
            if (standing == WarmPools.Standing.IDLE && !c.running()) {
                died = c.name();
            }
            runtime.removeContainer(c.id());
            observed.removeContainer(c.id());
        }
        if (died != null) {
            // Most likely the image cannot run the launcher (no /bin/sh): back off instead of spinning.
            String msg = "warm container " + died + " exited while idle (a pooled image needs /bin/sh)";
            report.pool(tool, toolSpec, target, ready, msg);
            return Result.error(msg);
        }
        if (ready < target && pools.refillCanWait(key)) {
            // A burst is taking the pool, and what is idle covers it for now: refilled once it eases off.
            report.pool(tool, toolSpec, target, ready, null);
            return Result.requeueAfter(REFILL_WAIT);
        }
        RunContainers.Shape built = shape;
        PoolStarter.Started started = starter.start(target - ready, () -> start(key, built));
        ready += started.count();
        report.pool(tool, toolSpec, target, ready, null);
        if (started.failure() != null) {
            throw started.failure();
        }
        if (ready < target) {
            // The rest in the next pass: a pass never holds a worker longer than one batch of starts.
            return Result.requeueAfter(Duration.ZERO);
        }
        // Looked at again when it may shrink back (a little after, so the window has surely passed).
        return pools.shrinksIn(key).map(d -> Result.requeueAfter(d.plusMillis(10))).orElse(Result.DONE);
    }

    /** Creates and starts one warm container; called by several starter threads at once. */
    private void start(ObjectKey key, RunContainers.Shape shape) {
        ContainerRequest request = RunContainers.warm(shape, WarmPools.containerName(key));
        if (node != null) {
            Map<String, String> labels = new java.util.HashMap<>(request.labels());
            labels.put(Labels.NODE, node);
            request = request.withLabels(labels);
        }
        String id = runtime.createContainer(request);
        observed.put(new ObservedContainer(id, request.name(), request.labels(), "created"));
        if (!shape.inline()) {
            // A Tool image's /workspace is not its run user's: the skeleton, owned by that user, goes in first.
            runtime.copyIn(id, "/workspace", RunFiles.workspace(Map.of(), shape.uid(), shape.uid()));
        }
        runtime.startContainer(id);
        observed.setState(id, "running");
        pools.addIdle(key, id, shape.hash());
        LOG.debugf("warm container %s ready for %s", request.name(), key.name());
    }

    /** @param spec the Tool's spec, typed (null with {@code tool}: a runner pool has no Tool to report on) */
    private void writeStatus(SpecObject tool, ToolSpec spec, int target, int ready, String message) {
        if (tool == null) {
            return;
        }
        PoolBounds bounds = spec.pool();
        if (!bounds.pooled() && (tool.status() == null || (!tool.status().has("pool") && !tool.status().has("message")))) {
            // A Tool without a pool has nothing to report, and is never written by the loop (its resourceVersion
            // changes only when a client changes it).
            return;
        }
        ObjectNode status = tool.status() == null ? Json.MAPPER.createObjectNode() : tool.status().deepCopy();
        if (bounds.pooled()) {
            status.putObject("pool").put("size", bounds.size()).put("max", bounds.max()).put("target", target)
                    .put("ready", ready);
        } else {
            status.remove("pool");
        }
        status.put("observedGeneration", tool.metadata().generation() == null ? 0 : tool.metadata().generation());
        if (message != null) {
            status.put("message", message);
        } else {
            status.remove("message");
        }
        status.remove("phase");
        status.remove("reason");
        store.updateStatus(tool.key(), status);
    }
}
