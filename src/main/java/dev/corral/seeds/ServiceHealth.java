package dev.corral.seeds;

import dev.corral.health.DockerReadiness;
import dev.corral.health.StoreReadiness;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The engine's and the store's health as the seeds' health endpoints show it: the same checks as
 * {@code /q/health/ready}, in snake_case, with {@code healthy}/{@code unhealthy} as the seeds say.
 */
@ApplicationScoped
public class ServiceHealth {

    @Inject
    @Readiness
    DockerReadiness docker;
    @Inject
    @Readiness
    StoreReadiness store;

    public Map<String, Object> docker() {
        HealthCheckResponse r = docker.call();
        Map<String, Object> m = new LinkedHashMap<>();
        boolean up = r.getStatus() == HealthCheckResponse.Status.UP;
        m.put("status", up ? "connected" : "disconnected");
        m.put("detail", r.getData().map(d -> d.get("docker")).orElse(null));
        return m;
    }

    public Map<String, Object> store() {
        HealthCheckResponse r = store.call();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", r.getStatus() == HealthCheckResponse.Status.UP ? "ok" : "failing");
        r.getData().ifPresent(d -> {
            m.put("detail", d.get("store"));
            m.put("objects", d.get("objects"));
            m.put("resource_version", d.get("resourceVersion"));
        });
        return m;
    }

    /** Whether both answer. */
    public boolean healthy(Map<String, Object> docker, Map<String, Object> store) {
        return "connected".equals(docker.get("status")) && "ok".equals(store.get("status"));
    }
}
