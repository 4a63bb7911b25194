package dev.corral.leader;

import dev.corral.store.EtcdConnection;
import dev.corral.testing.EtcdCluster;
import dev.corral.testing.EtcdTest;
import io.etcd.jetcd.Client;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The election on a real three-member etcd: one replica leads at a time; the next takes over at once
 * when the leader stops cleanly, within the lease when it dies; a leader that cannot reach etcd gives
 * the lead up before its lease can run out.
 */
@EtcdTest
class LeaderElectionTest {

    private static final Duration TTL = Duration.ofSeconds(2);
    private static EtcdCluster etcd;
    private final String name = "/election-" + UUID.randomUUID();
    private final List<Client> clients = new ArrayList<>();
    private final List<LeaderElection> elections = new ArrayList<>();

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdCluster.start(3);
    }

    @AfterAll
    static void stopEtcd() {
        etcd.close();
    }

    @AfterEach
    void close() {
        elections.forEach(LeaderElection::close);
        clients.forEach(Client::close);
    }

    private LeaderElection replica(String identity, Runnable lost) {
        Client c = EtcdConnection.connect(etcd.endpoints());
        clients.add(c);
        LeaderElection e = new LeaderElection(c, name, identity, TTL, lost);
        elections.add(e);
        return e;
    }

    @Test
    void oneLeadsAndTheNextTakesOverAtOnceWhenItStops() throws Exception {
        LeaderElection a = replica("a", () -> { });
        a.start().get(10, TimeUnit.SECONDS);
        LeaderElection b = replica("b", () -> { });
        CompletableFuture<Void> bLeads = b.start();

        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> !bLeads.isDone());
        assertTrue(a.isLeader());
        assertFalse(b.isLeader());
        assertEquals("a", b.leader());

        long stopped = System.nanoTime();
        a.close();
        bLeads.get(10, TimeUnit.SECONDS);
        assertTrue(System.nanoTime() - stopped < TTL.toNanos(), "a resignation hands over before the lease would run out");
        assertTrue(b.isLeader());
        assertEquals("b", b.leader());
    }

    @Test
    void whenTheLeaderDiesTheNextLeadsWithinTheLease() throws Exception {
        LeaderElection a = replica("a", () -> { });
        a.start().get(10, TimeUnit.SECONDS);
        LeaderElection b = replica("b", () -> { });
        CompletableFuture<Void> bLeads = b.start();

        a.abandon(); // as kill -9: no resignation, the lease runs out
        bLeads.get(3 * TTL.toSeconds() + 5, TimeUnit.SECONDS);
        assertEquals("b", b.leader());
    }

    @Test
    void aLeaderCutOffFromEtcdGivesUpBeforeItsLeaseRunsOut() throws Exception {
        AtomicBoolean lost = new AtomicBoolean();
        LeaderElection a = replica("a", () -> lost.set(true));
        a.start().get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 3; i++) {
            etcd.kill(i);
        }
        try {
            await().atMost(TTL.multipliedBy(2)).untilTrue(lost);
            assertFalse(a.isLeader());
        } finally {
            for (int i = 0; i < 3; i++) {
                etcd.restartAsync(i);
            }
            etcd.awaitAllHealthy();
        }
    }
}
