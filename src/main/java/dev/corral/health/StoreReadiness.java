package dev.corral.health;

import dev.corral.gitops.SpecsDirectory;
import dev.corral.store.FileSpecStore;
import dev.corral.store.SpecStore;
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
    SpecStore store;

    @Inject
    SpecsDirectory specsDirectory;

    @Override
    public HealthCheckResponse call() {
        boolean dirDone = specsDirectory.initialSyncDone();
        var failure = store.failure();
        var reply = HealthCheckResponse.named("store")
                .status(dirDone && failure == null)
                .withData("store", failure == null ? "loaded" : failure.getMessage())
                .withData("kind", store.describe())
                .withData("objects", store.size())
                .withData("resourceVersion", store.resourceVersion())
                .withData("specsDirectory", dirDone ? "applied" : "first apply in progress");
        return (store instanceof FileSpecStore file ? reply.withData("foreignFiles", file.foreignFiles().size()) : reply).build();
    }
}
