package dev.corral.containers;

import dev.corral.loop.ObservedState;
import dev.corral.loop.ReconcileException;
import dev.corral.runtime.ContainerRuntime;
import dev.corral.runtime.EngineException;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Starts a container, and decides what an engine's refusal means: a container whose network was
 * re-created, or whose engine-side state is broken, is removed so that the next pass creates a
 * fresh one; a refusal of the spec itself is terminal; anything else is retried.
 */
final class ContainerStarter {

    private final ContainerRuntime runtime;
    private final ObservedState observed;
    /** Consecutive 5xx answers to starting a container, by id: a second one replaces it. */
    private final Map<String, Integer> startFailures = new ConcurrentHashMap<>();

    ContainerStarter(ContainerRuntime runtime, ObservedState observed) {
        this.runtime = runtime;
        this.observed = observed;
    }

    void start(String id) {
        // The run that ended is over: if this start fails, no event says so, and an inspect must tell how.
        observed.lastRuns().forget(id);
        try {
            runtime.startContainer(id);
            observed.setState(id, "running");
            startFailures.remove(id);
        } catch (EngineException e) {
            if (e.status() == 404 && String.valueOf(e.getMessage()).contains("network")) {
                // Its network was removed behind our back and re-created: this container points at the old one.
                runtime.removeContainer(id);
                observed.removeContainer(id);
                throw ReconcileException.retryable("NetworkGone", "the container's network was re-created; re-creating it", e);
            }
            if (e.terminal() || e.status() == 500 && String.valueOf(e.getMessage()).contains("OCI runtime")) {
                throw ReconcileException.terminal("StartFailed", "the engine could not start the container: " + e.getMessage(), e);
            }
            if (e.status() >= 500 && (brokenEngineState(e.getMessage()) || startFailures.merge(id, 1, Integer::sum) >= 2)) {
                startFailures.remove(id);
                // The engine's own state for this container is broken (seen after dockerd restarts while
                // stopping it: "failed to start shim: ... file exists", on every later start). A fresh
                // container has a fresh id and state; volumes are kept, as on any re-creation. Other 500s
                // may pass (a daemon shutting down): the container, its file system and log, are kept.
                removeQuietly(id);
                throw ReconcileException.retryable("StartFailed", "the engine could not start the container ("
                        + e.getMessage() + "); replacing it", e);
            }
            throw e;
        }
    }

    /**
     * Start failures known to repeat forever for this container (its id's state in containerd is left over
     * after a dockerd restart). Any other 5xx is replaced on its second time in a row: the words vary with
     * the moment the engine went down ("task …: already exists" too).
     */
    static boolean brokenEngineState(String message) {
        String m = String.valueOf(message);
        return m.contains("failed to start shim") || m.contains("file exists") || m.contains("already exists")
                || m.contains("id already in use");
    }

    private void removeQuietly(String id) {
        try {
            runtime.removeContainer(id);
            observed.removeContainer(id);
        } catch (EngineException gone) {
            // Not removable either: the next pass sees it and tries again.
        }
    }
}
