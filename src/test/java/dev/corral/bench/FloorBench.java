package dev.corral.bench;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The floor for bench/converge-bench.sh: what a hand-written docker-java program needs to bring
 * up the same sessions and relics Corral does, with nothing else (no store, no status, no events).
 * Creates {@code sessions} internal bridge networks (one /26 each, in parallel), then creates and
 * starts {@code perSession} containers on each (same image, command, limits and network alias as
 * Corral's relics), {@code parallelism} at a time, and prints the time until every start returned.
 *
 * <pre>java -cp target/test-classes:$(cat cp.txt) dev.corral.bench.FloorBench SESSIONS PER_SESSION PARALLELISM POOL_PREFIX</pre>
 *
 * POOL_PREFIX is the first two octets of the /16 the subnets come from (e.g. 10.216). Everything
 * it creates is labelled {@code corral.bench/variant=floor}; the script removes it between rounds.
 */
public final class FloorBench {

    static final String IMAGE = "corral/busybox:latest";
    static final Map<String, String> LABELS = Map.of("corral.bench/variant", "floor");

    public static void main(String[] args) throws Exception {
        int sessions = Integer.parseInt(args[0]);
        int perSession = Integer.parseInt(args[1]);
        int parallelism = Integer.parseInt(args[2]);
        String subnetPrefix = args.length > 3 ? args[3] : "10.216";

        var cfg = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
        var http = new ApacheDockerHttpClient.Builder().dockerHost(cfg.getDockerHost()).sslConfig(cfg.getSSLConfig())
                .maxConnections(256).connectionTimeout(Duration.ofSeconds(5)).responseTimeout(Duration.ofMinutes(2))
                .build();
        try (DockerClient client = DockerClientImpl.getInstance(cfg, http)) {
            // Warm up: connection pool, class loading, JSON mapping (Corral has done all this before its PUT).
            client.pingCmd().exec();
            client.listContainersCmd().withLabelFilter(LABELS).exec();
            client.inspectImageCmd(IMAGE).exec();

            ExecutorService workers = Executors.newFixedThreadPool(parallelism);
            try {
                run(client, workers, sessions, perSession, parallelism, subnetPrefix);
            } finally {
                // Without this a failed create (e.g. a network left behind by an earlier round)
                // leaves the pool's threads alive and the JVM never exits: the script hangs.
                workers.shutdownNow();
            }
        }
    }

    private static void run(DockerClient client, ExecutorService workers, int sessions, int perSession, int parallelism,
                            String subnetPrefix) throws Exception {
        long t0 = System.nanoTime();
        List<Future<?>> nets = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            final int si = s;
            nets.add(workers.submit(() -> {
                String subnet = subnetPrefix + "." + (si * 64 / 256) + "." + (si * 64 % 256) + "/26";
                return client.createNetworkCmd().withName("floor-s" + si).withDriver("bridge").withInternal(true)
                        .withLabels(LABELS).withCheckDuplicate(true)
                        .withIpam(new Network.Ipam().withConfig(new Network.Ipam.Config().withSubnet(subnet)))
                        .exec().getId();
            }));
        }
        for (Future<?> f : nets) {
            f.get();
        }
        long tNets = System.nanoTime();
        List<Future<?>> containers = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            for (int r = 0; r < perSession; r++) {
                final String net = "floor-s" + s;
                final String alias = "r" + r;
                final String name = "floor-s" + s + "-r" + r;
                containers.add(workers.submit(() -> {
                    HostConfig host = HostConfig.newHostConfig()
                            .withMemory(32L * 1024 * 1024).withMemorySwap(32L * 1024 * 1024)
                            .withNanoCPUs(200_000_000L).withPidsLimit(32L)
                            .withRestartPolicy(RestartPolicy.noRestart()).withNetworkMode(net);
                    String id = client.createContainerCmd(IMAGE).withName(name).withLabels(LABELS)
                            .withCmd("httpd", "-f", "-p", "8080", "-h", "/www").withHostConfig(host)
                            .withAliases(alias).exec().getId();
                    client.startContainerCmd(id).exec();
                    return id;
                }));
            }
        }
        for (Future<?> f : containers) {
            f.get();
        }
        long t1 = System.nanoTime();
        System.out.printf("floor sessions=%d relics=%d parallelism=%d networks_ms=%d total_ms=%d%n",
                sessions, sessions * perSession, parallelism, (tNets - t0) / 1_000_000, (t1 - t0) / 1_000_000);
    }
}
