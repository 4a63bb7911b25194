package dev.corral.swarm;

import dev.corral.containers.DesiredContainer;
import dev.corral.ownership.SpecHash;
import dev.corral.runtime.ContainerRequest;
import dev.corral.runtime.Labels;
import dev.corral.runtime.ServiceRequest;
import dev.corral.spec.Kind;
import dev.corral.spec.SpecObject;
import dev.corral.spec.model.HealthSpec;
import dev.corral.spec.model.Placement;
import dev.corral.spec.model.AgentSpec;
import dev.corral.spec.model.RelicSpec;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a Relic or Agent into the one-replica Swarm service it wants, from the same {@link DesiredContainer}
 * as on one engine (image, command, environment, limits, lock-down, labels), or says why Swarm cannot
 * run it as asked. Pure.
 */
public final class ServiceSpecs {

    /** The hash of everything Corral asked of the service: a difference means an update. */
    public static final String SERVICE_HASH = "corral.dev/service-hash";

    private ServiceSpecs() {
    }

    /** A service to have, or the reason the spec cannot be run on Swarm (terminal until the spec changes). */
    public sealed interface Wanted permits Service, Refused {
    }

    /** @param expired its {@code lifetimeSeconds} ran out: the service stays, scaled to zero */
    public record Service(ServiceRequest request, String hash, boolean expired) implements Wanted {
    }

    public record Refused(String message) implements Wanted {
    }

    /** @param restartDelay Swarm's delay between restarts (it has no growing backoff of its own) */
    public static Wanted of(SpecObject o, DesiredContainer d, Duration restartDelay, Duration stopGrace, Instant now) {
        RelicSpec spec = o.kind() == Kind.Agent ? AgentSpec.of(o.spec()).container()
                : RelicSpec.of(o.spec());
        String refusal = refusal(o, d, spec);
        if (refusal != null) {
            return new Refused(refusal + " in swarm mode (corral.engine.mode=swarm)");
        }
        ContainerRequest c = d.request();
        // Agents join the engine's default bridge on one engine; a service without networks gets the node's
        // gateway bridge, which is the same: the outside world, no session's peers.
        boolean relic = o.kind() == Kind.Relic;
        ContainerRequest container = c.withLabels(taskLabels(c.labels()))
                .withNetwork(relic ? c.network() : null, relic ? c.aliases() : List.of());
        boolean expired = d.expiresAt() != null && !now.isBefore(d.expiresAt());
        // maxRestarts 0: never restarted (Swarm reads a MaxAttempts of 0 as "no limit").
        ServiceRequest.Restart.Condition condition = d.maxRestarts() != null && d.maxRestarts() == 0
                ? ServiceRequest.Restart.Condition.NONE : switch (d.restartPolicy()) {
            case Always -> ServiceRequest.Restart.Condition.ANY;
            case OnFailure -> ServiceRequest.Restart.Condition.ON_FAILURE;
            case Never -> ServiceRequest.Restart.Condition.NONE;
        };
        ServiceRequest request = new ServiceRequest(new TreeMap<>(c.labels()), container,
                d.wantRunning() && !expired ? 1 : 0,
                new ServiceRequest.Restart(condition, restartDelay, d.maxRestarts()), health(d.health()),
                Placement.of(o.spec().get("placement")).constraints(), stopGrace);
        // Over everything asked of Swarm, the service's labels (the user's among them) included; then on the service
        // and on its task's container: which of the service's tasks were made from this version of it.
        String hash = SpecHash.of(request);
        return new Service(request.labelled(SERVICE_HASH, hash), hash, expired);
    }

    /**
     * A ToolRun's one-shot job: its cold container as a one-replica service that Swarm never restarts
     * (restart condition none: one task, never another), on the labels of the run that owns it.
     */
    public static ServiceRequest job(ContainerRequest run, List<String> constraints) {
        Map<String, String> labels = new TreeMap<>(run.labels());
        return new ServiceRequest(labels, run.withLabels(taskLabels(run.labels())).withNetwork(run.network(), List.of()), 1,
                new ServiceRequest.Restart(ServiceRequest.Restart.Condition.NONE, Duration.ofSeconds(1), null), null,
                constraints, Duration.ofSeconds(1));
    }

    /**
     * The labels of a task's container: its owner and the user's, as on one engine. Not MANAGED: the container
     * is Swarm's to run, and Corral's one-engine view must not take it for its own.
     */
    private static Map<String, String> taskLabels(Map<String, String> labels) {
        Map<String, String> task = new TreeMap<>();
        labels.forEach((k, v) -> {
            if (List.of(Labels.KIND, Labels.NAME, Labels.SESSION).contains(k) || k.startsWith(Labels.USER_PREFIX)) {
                task.put(k, v);
            }
        });
        return task;
    }

    private static String refusal(SpecObject o, DesiredContainer d, RelicSpec spec) {
        if (!spec.volumes().isEmpty()) {
            return "volumes are not supported (a named volume lives on one node, and Corral could neither follow "
                    + "nor remove it there)";
        }
        if (o.kind() == Kind.Agent && AgentSpec.of(o.spec()).code() != null) {
            return "an agent's code (a directory on Corral's host) cannot be mounted on another node";
        }
        if (d.wantPaused()) {
            return "state Paused is not supported (Swarm cannot freeze a task)";
        }
        return refusal(d.request().confinement());
    }

    /** Why a container's confinement cannot be had from Swarm's service API, or null when it can. */
    static String refusal(ContainerRequest.Confinement conf) {
        if (conf != null && conf.runtime() != null) {
            return "isolation using the runtime " + conf.runtime() + " is not supported (a service's runtime "
                    + "cannot be chosen)";
        }
        if (conf != null && (conf.seccomp() != null || conf.apparmor() != null)) {
            return "security profiles other than the engine's default are not supported (Docker 20.10's service "
                    + "API cannot set them)";
        }
        if (conf != null && (conf.diskReadBps() != null || conf.diskWriteBps() != null)) {
            return "disk I/O limits are not supported (the service API cannot set them)";
        }
        return null;
    }

    /**
     * Swarm checks health from inside the container, and counts a task running only once it is healthy:
     * HTTP and TCP probes become {@code wget} and {@code nc} in the container ({@link HealthSpec#insideCommand()};
     * the check's own timeout bounds them).
     */
    static ServiceRequest.Health health(HealthSpec h) {
        if (h == null) {
            return null;
        }
        List<String> command = h.insideCommand();
        return new ServiceRequest.Health(command, Duration.ofSeconds(h.periodSeconds()),
                Duration.ofSeconds(h.timeoutSeconds()), h.failureThreshold(),
                Duration.ofSeconds(Math.max(h.initialDelaySeconds(), h.startupTimeoutSeconds())));
    }
}
