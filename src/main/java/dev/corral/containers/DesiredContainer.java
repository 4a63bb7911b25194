package dev.corral.containers;

import dev.corral.runtime.ContainerRequest;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.model.HealthSpec;
import dev.corral.spec.model.RelicSpec.RestartPolicy;
import dev.corral.spec.model.RunState;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one Relic or Agent asks of the engine, derived from its typed spec.
 *
 * @param hash          the spec-hash label: changes exactly when the container must be re-created
 * @param state         the spec's {@code state}: Running, Stopped or Paused
 * @param health        the spec's health check, or null
 * @param volumes       named volumes to create (with labels) before the container
 * @param network       the session network the container joins, or null
 * @param internalUrl   {@code http://<name>:<port>} for relics with a port, or null
 * @param expiresAt     when its {@code lifetimeSeconds} (from its creation) run out: then it is stopped for good; null: never
 * @param maxRestarts   restarts allowed since the spec last changed (null: no limit)
 */
public record DesiredContainer(ObjectKey key, String uid, long generation, String name, String hash,
                               ContainerRequest request, RunState state, RestartPolicy restartPolicy,
                               String pullPolicy, HealthSpec health, Map<String, Map<String, String>> volumes,
                               String network, String internalUrl, Instant expiresAt, Integer maxRestarts) {

    /** Its container should have live processes: Running, or Paused (frozen, but not ended). */
    public boolean wantRunning() {
        return state != RunState.Stopped;
    }

    public boolean wantPaused() {
        return state == RunState.Paused;
    }

    public String image() {
        return request.image();
    }

    public List<String> volumeNames() {
        return List.copyOf(volumes.keySet());
    }
}
