package dev.corral.runtime;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.corral.config.CorralConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Shutdown;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.time.Duration;

/** Builds the Docker client from {@code corral.docker.*}. */
@ApplicationScoped
public class RuntimeProducer {

    private DockerClient client;
    private DockerClient eventsClient;

    @Produces
    @Singleton
    synchronized ContainerRuntime runtime(CorralConfig config, MeterRegistry registry) {
        String host = config.docker().host()
                .or(() -> java.util.Optional.ofNullable(System.getenv("DOCKER_HOST")).filter(h -> !h.isBlank()))
                .orElse("unix:///var/run/docker.sock");
        client = client(host, config.docker().callTimeout(), 256);
        // The event stream may be silent for hours: no read timeout on its connection.
        eventsClient = client(host, null, 1024);
        // It also carries followed logs and every warm run's attachment, each holding a connection while it runs.
        return new DockerRuntime(client, eventsClient, registry, config.instance(), config.stats().source(),
                config.docker().diskDevice(), config.security().seccompProfiles(),
                config.engine().mode() == CorralConfig.EngineMode.swarm);
    }

    /** A runtime of another engine (a Swarm node's own), and what closes its clients. */
    public record Connection(ContainerRuntime runtime, AutoCloseable closer) {
    }

    /** Connects to the engine at {@code host} as to {@code corral.docker.host}, with the same settings. */
    public static Connection connect(String host, CorralConfig config, MeterRegistry registry) {
        DockerClient c = client(host, config.docker().callTimeout(), 256);
        DockerClient events = client(host, null, 1024);
        ContainerRuntime runtime = new DockerRuntime(c, events, registry, config.instance(), config.stats().source(),
                config.docker().diskDevice(), config.security().seccompProfiles(), false);
        return new Connection(runtime, () -> {
            c.close();
            events.close();
        });
    }

    /** The engine as a Swarm manager (used in {@code corral.engine.mode=swarm} only). */
    @Produces
    @Singleton
    ServiceRuntime services(ContainerRuntime runtime) {
        return ((DockerRuntime) runtime).services();
    }

    private static DockerClient client(String host, Duration responseTimeout, int connections) {
        var cfg = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host).build();
        var http = new ApacheDockerHttpClient.Builder().dockerHost(cfg.getDockerHost()).sslConfig(cfg.getSSLConfig())
                .maxConnections(connections).connectionTimeout(Duration.ofSeconds(5));
        if (responseTimeout != null) {
            http.responseTimeout(responseTimeout);
        }
        return DockerClientImpl.getInstance(cfg, http.build());
    }

    @Shutdown(5000) // after the reconcile loop (default priority 2500) has stopped using it
    synchronized void close() throws IOException {
        if (client != null) {
            client.close();
            eventsClient.close();
        }
    }
}
