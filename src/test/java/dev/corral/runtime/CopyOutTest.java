package dev.corral.runtime;

import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.sun.net.httpserver.HttpServer;
import dev.corral.config.CorralConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Copying a run's output out of its container, against a stand-in engine that answers the archive call
 * the way Podman 4.3 does when the container's process exits as the copy starts: 200 and no archive.
 */
class CopyOutTest {

    private static final byte[] ARCHIVE = "output/\0 a tar archive's bytes".getBytes();

    private final Deque<Answer> answers = new ArrayDeque<>();
    private final AtomicInteger calls = new AtomicInteger();
    private HttpServer engine;
    private com.github.dockerjava.api.DockerClient client;
    private DockerRuntime runtime;

    private record Answer(int status, byte[] body) {
    }

    private DockerRuntime runtime() throws Exception {
        engine = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        engine.createContext("/", exchange -> {
            calls.incrementAndGet();
            Answer a = exchange.getRequestURI().getPath().endsWith("/containers/c1/archive") && !answers.isEmpty()
                    ? answers.poll() : new Answer(404, "{\"message\":\"no such container\"}".getBytes());
            exchange.getResponseHeaders().add("Content-Type", a.status() == 200 ? "application/x-tar" : "application/json");
            exchange.sendResponseHeaders(a.status(), a.body().length == 0 ? -1 : a.body().length);
            exchange.getResponseBody().write(a.body());
            exchange.close();
        });
        engine.start();
        var cfg = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost("tcp://127.0.0.1:" + engine.getAddress().getPort()).build();
        client = DockerClientImpl.getInstance(cfg,
                new ApacheDockerHttpClient.Builder().dockerHost(cfg.getDockerHost()).build());
        return new DockerRuntime(client, client, new SimpleMeterRegistry(), "test", CorralConfig.Stats.Source.CGROUP,
                Optional.empty(), Optional.empty());
    }

    @AfterEach
    void stop() throws java.io.IOException {
        if (client != null) {
            client.close();
        }
        if (engine != null) {
            engine.stop(0);
        }
    }

    @Test
    void anEmptyArchiveIsAskedForAgainUntilTheEngineSendsOne() throws Exception {
        answers.add(new Answer(200, new byte[0]));
        answers.add(new Answer(200, new byte[0]));
        answers.add(new Answer(200, ARCHIVE));
        runtime = runtime();
        assertArrayEquals(ARCHIVE, runtime.copyOut("c1", "/workspace/output", 1 << 20).orElseThrow());
        assertEquals(3, calls.get());
    }

    @Test
    void aContainerOrPathThatIsNotThereIsNoArchiveAtOnce() throws Exception {
        runtime = runtime();
        assertTrue(runtime.copyOut("c2", "/workspace/output", 1 << 20).isEmpty());
        assertEquals(1, calls.get());
    }

    @Test
    void anEngineThatNeverSendsAnArchiveIsAnErrorNotAnEmptyOutput() throws Exception {
        for (int i = 0; i < 10; i++) {
            answers.add(new Answer(200, new byte[0]));
        }
        runtime = runtime();
        EngineException e = assertThrows(EmptyArchiveException.class, () -> runtime.copyOut("c1", "/workspace/output", 1 << 20));
        assertTrue(e.getMessage().contains("empty archive"), e.getMessage());
        assertEquals(5, calls.get(), "tried five times, then left to the reconcile's retry");
    }
}
