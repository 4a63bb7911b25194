package dev.corral.health;

import dev.corral.gitops.SpecsDirectory;
import dev.corral.store.FileSpecStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the store is loaded and the specs directory, if any, has been applied once. */
@Readiness
@ApplicationScoped
public class StoreReadiness implements HealthCheck {

    @Inject
    FileSpecStore store;

    @Inject
    SpecsDirectory specsDirectory;

    @Override
    public HealthCheckResponse call() {
        boolean dirDone = specsDirectory.initialSyncDone();
        var failure = store.failure();
        return HealthCheckResponse.named("store")
                .status(dirDone && failure == null)
                .withData("store", failure == null ? "loaded" : failure.getMessage())
                .withData("objects", store.size())
                .withData("resourceVersion", store.resourceVersion())
                .withData("specsDirectory", dirDone ? "applied" : "first apply in progress")
                .withData("foreignFiles", store.foreignFiles().size())
                .build();
    }
}
