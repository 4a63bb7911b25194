package dev.corral.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * A real etcd cluster of {@code size} members on loopback (Debian's {@code etcd}), each a process with
 * its own data directory and free ports, torn down completely by {@link #close()}. Started with the
 * limits Corral's etcd store needs (docs/multi-host.md): a transaction may hold 10 000 operations and a
 * request 32 MiB, so one apply of thousands of specs is one transaction.
 */
public final class EtcdCluster implements AutoCloseable {

    private final Path root;
    private final List<Member> members = new ArrayList<>();
    private final String token = "corral-test-" + UUID.randomUUID();

    private record Member(String name, int clientPort, int peerPort, Path dataDir, Path log) {
        String clientUrl() {
            return "http://127.0.0.1:" + clientPort;
        }

        String peerUrl() {
            return "http://127.0.0.1:" + peerPort;
        }
    }

    private final List<Process> processes = new ArrayList<>();

    private EtcdCluster(Path root) {
        this.root = root;
    }

    public static EtcdCluster start(int size) {
        try {
            EtcdCluster c = new EtcdCluster(Files.createTempDirectory("corral-etcd-"));
            for (int i = 0; i < size; i++) {
                Path dir = c.root.resolve("m" + i);
                c.members.add(new Member("m" + i, freePort(), freePort(), dir, c.root.resolve("m" + i + ".log")));
                c.processes.add(null);
            }
            for (int i = 0; i < size; i++) {
                c.startMember(i);
            }
            for (int i = 0; i < size; i++) {
                c.awaitHealthy(i);
            }
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The client URLs of every member. */
    public List<String> endpoints() {
        return members.stream().map(Member::clientUrl).toList();
    }

    public String endpoint(int member) {
        return members.get(member).clientUrl();
    }

    /** {@code kill -9} of one member: its data stays, so {@link #restart} brings it back as it was. */
    public void kill(int member) {
        Process p = processes.get(member);
        if (p != null) {
            p.destroyForcibly();
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public void restart(int member) {
        startMember(member);
        awaitHealthy(member);
    }

    /** Starts a killed member without waiting: a cluster whose members are all down needs them all back for a quorum. */
    public void restartAsync(int member) {
        startMember(member);
    }

    public void awaitAllHealthy() {
        for (int i = 0; i < members.size(); i++) {
            awaitHealthy(i);
        }
    }

    private void startMember(int i) {
        Member m = members.get(i);
        String cluster = members.stream().map(x -> x.name() + "=" + x.peerUrl()).collect(Collectors.joining(","));
        try {
            processes.set(i, new ProcessBuilder("etcd", "--name", m.name(), "--data-dir", m.dataDir().toString(),
                    "--listen-client-urls", m.clientUrl(), "--advertise-client-urls", m.clientUrl(),
                    "--listen-peer-urls", m.peerUrl(), "--initial-advertise-peer-urls", m.peerUrl(),
                    "--initial-cluster", cluster, "--initial-cluster-state", "new", "--initial-cluster-token", token,
                    "--max-txn-ops", "10000", "--max-request-bytes", Integer.toString(32 * 1024 * 1024),
                    "--heartbeat-interval", "50", "--election-timeout", "500")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(m.log().toFile())).start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start etcd (is Debian's etcd-server installed? deploy/setup.sh installs it)", e);
        }
    }

    private void awaitHealthy(int i) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create(members.get(i).clientUrl() + "/health"))
                .timeout(Duration.ofSeconds(2)).build();
        await("etcd member " + i + " healthy (log: " + members.get(i).log() + ")").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
                    if (!processes.get(i).isAlive()) {
                        throw new AssertionError("etcd exited: " + Files.readString(members.get(i).log()));
                    }
                    return http.send(health, HttpResponse.BodyHandlers.ofString()).body().contains("\"true\"");
                });
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < processes.size(); i++) {
            kill(i);
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
