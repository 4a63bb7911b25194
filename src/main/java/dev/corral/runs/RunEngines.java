package dev.corral.runs;

import dev.corral.runtime.ContainerRuntime;
import dev.corral.spec.SpecObject;

import java.util.Optional;
import java.util.function.Function;

/**
 * The engine that holds a run's container, for what reads it directly (its logs while it runs): the one engine,
 * unless another engine took the run (a Swarm node's warm pool: dev.corral.swarm routes those here).
 */
public final class RunEngines {

    private final ContainerRuntime engine;
    private volatile Function<SpecObject, Optional<ContainerRuntime>> elsewhere = run -> Optional.empty();

    public RunEngines(ContainerRuntime engine) {
        this.engine = engine;
    }

    /** @param route the engine of a run not on the one engine, or empty */
    public void route(Function<SpecObject, Optional<ContainerRuntime>> route) {
        this.elsewhere = route;
    }

    public ContainerRuntime of(SpecObject run) {
        return elsewhere.apply(run).orElse(engine);
    }
}
