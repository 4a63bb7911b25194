package dev.corral.containers;

import dev.corral.config.CorralConfig;
import dev.corral.runtime.ContainerRuntime;
import org.jboss.logging.Logger;

/**
 * Where HTTP and TCP health probes run ({@code corral.engine.probes}): from Corral to the container's
 * address, or inside the container. {@code auto} asks the engine once, at the first probe, whether it is
 * Podman (whose internal networks the host cannot reach); an engine that does not answer yet is asked
 * again next time.
 */
public final class ProbeSite {

    private static final Logger LOG = Logger.getLogger(ProbeSite.class);

    private final CorralConfig.ProbeSite configured;
    private final ContainerRuntime runtime;
    private volatile Boolean inside;

    public ProbeSite(CorralConfig.ProbeSite configured, ContainerRuntime runtime) {
        this.configured = configured;
        this.runtime = runtime;
    }

    /** Whether HTTP and TCP probes run inside the container; may ask the engine (and throw if it does not answer). */
    public boolean inside() {
        Boolean known = inside;
        return known != null ? known : resolve();
    }

    private synchronized boolean resolve() {
        Boolean known = inside;
        if (known == null) {
            known = switch (configured) {
                case inside -> true;
                case address -> false;
                case auto -> {
                    var engine = runtime.identity();
                    if (engine.podman()) {
                        LOG.infof("The engine is %s: HTTP and TCP health probes run inside the containers "
                                + "(corral.engine.probes=auto)", engine);
                    }
                    yield engine.podman();
                }
            };
            inside = known;
        }
        return known;
    }
}
