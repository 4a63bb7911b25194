package dev.corral.spec;

import dev.corral.config.CorralConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** Builds the validator from the configured host-path roots. */
@ApplicationScoped
public class ValidatorProducer {

    @Produces
    @ApplicationScoped
    SpecValidator validator(CorralConfig config) {
        return new SpecValidator(new HostPaths(config.agent().codeRoots()));
    }
}
