package dev.corral.store;

import dev.corral.admission.WriteRules;
import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.testing.EtcdCluster;
import dev.corral.testing.EtcdTest;
import io.etcd.jetcd.Client;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.corral.store.StoreFixtures.applyApi;
import static dev.corral.store.StoreFixtures.asRead;
import static dev.corral.store.StoreFixtures.json;
import static dev.corral.store.StoreFixtures.tool;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several replicas of the etcd store (as several Corrals would hold them, each with its own client) on
 * a real three-member etcd cluster: what one writes the others see and announce, concurrent writers
 * never lose a write nor share a resourceVersion, a refusal is never the fault of a replica's stale copy,
 * and the loss of an etcd member loses nothing.
 */
@EtcdTest
class EtcdSpecStoreReplicasTest {

    private static EtcdCluster etcd;
    private final String prefix = "/replicas-" + UUID.randomUUID();
    private final StoreFixtures.MutableClock clock = new StoreFixtures.MutableClock();
    private final List<Client> clients = new ArrayList<>();
    private final List<SpecStore> stores = new ArrayList<>();

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdCluster.start(3);
    }

    @AfterAll
    static void stopEtcd() {
        etcd.close();
    }

    private SpecStore replica() {
        Client c = EtcdConnection.connect(etcd.endpoints());
        clients.add(c);
        // A short timeout: a write caught by the loss of etcd's leader is tried again sooner.
        SpecStore s = EtcdSpecStore.open(c, prefix, Duration.ofSeconds(2), clock, new WriteRules());
        stores.add(s);
        return s;
    }

    @AfterEach
    void closeReplicas() {
        stores.forEach(SpecStore::close);
        clients.forEach(Client::close);
    }

    private SpecStore a;
    private SpecStore b;

    @BeforeEach
    void twoReplicas() {
        a = replica();
        b = replica();
    }

    @Test
    void whatOneReplicaWritesTheOtherServesAndAnnounces() {
        List<StoreEvent> seenByB = new CopyOnWriteArrayList<>();
        b.addListener(seenByB::add);

        applyApi(a, tool("t", "alpine:3"));
        SpecObject written = a.get(ObjectKey.of(Kind.Tool, null, "t")).orElseThrow();
        a.updateStatus(written.key(), json("{'phase':'Ready'}"));

        await().atMost(Duration.ofSeconds(10)).until(() -> seenByB.size() == 2);
        assertEquals(StoreEvent.Type.ADDED, seenByB.get(0).type());
        assertEquals(StoreEvent.Type.STATUS, seenByB.get(1).type());
        assertEquals(a.get(written.key()), b.get(written.key()), "the same object, resourceVersion and all");
        assertEquals(a.resourceVersion(), b.resourceVersion());

        a.delete(written.key(), null, ApplyOptions.API);
        await().atMost(Duration.ofSeconds(10)).until(() -> seenByB.size() == 3);
        assertEquals(StoreEvent.Type.DELETED, seenByB.get(2).type());
        assertTrue(b.get(written.key()).isEmpty());
    }

    @Test
    void concurrentWritersOnTwoReplicasLoseNothingAndNeverShareAResourceVersion() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                SpecStore target = w % 2 == 0 ? a : b;
                int writer = w;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        applyApi(target, tool("w" + writer + "-" + i, "alpine:3"));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        for (SpecStore s : List.of(a, b, replica())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> s.size() == 100 && s.resourceVersion() == 100);
            Set<Long> versions = new HashSet<>();
            s.list(Query.ofKind(Kind.Tool)).forEach(o -> versions.add(o.resourceVersion()));
            assertEquals(100, versions.size(), "every write its own resourceVersion");
        }
    }

    @Test
    void aPreconditionReadFromOneReplicaHoldsOnAnotherAtOnce() {
        applyApi(a, tool("t", "alpine:3"));
        SpecObject read = a.get(ObjectKey.of(Kind.Tool, null, "t")).orElseThrow();

        // b's copy may not have t yet: it must catch up, not call the precondition stale.
        List<Change> changes = applyApi(b, asRead(read, tool("t", "alpine:3.20").spec()));
        assertEquals(Action.configured, changes.get(0).action());

        // and a truly stale one is still refused, on either replica
        assertThrows(ConflictException.class, () -> applyApi(a, asRead(read, tool("t", "alpine:3.21").spec())));
        assertEquals("alpine:3.20", a.get(read.key()).orElseThrow().spec().get("image").asText());
    }

    @Test
    void keysThatAreNotObjectsAreLeftAloneAndAValueThatIsNotAnObjectIsNeverRunOn() throws Exception {
        io.etcd.jetcd.KV kv = clients.get(0).getKVClient();
        // The leader election keeps its keys under the same prefix: not objects, not the store's business.
        kv.put(EtcdKeys.bytes(prefix + "/leader/default/694d7a"), EtcdKeys.bytes("host:8080 pid 1")).get();
        applyApi(a, tool("t", "alpine:3"));
        await().atMost(Duration.ofSeconds(10)).until(() -> b.get(ObjectKey.of(Kind.Tool, null, "t")).isPresent());
        assertEquals(null, b.failure());

        // Something not written by Corral where an object should be: the replicas say so ...
        kv.put(EtcdKeys.bytes(prefix + "/objects/Tool/_/bad"), EtcdKeys.bytes("{not json")).get();
        await().atMost(Duration.ofSeconds(10)).until(() -> b.failure() != null);
        assertTrue(b.failure().getMessage().contains("/objects/Tool/_/bad"), b.failure().getMessage());
        // ... and a Corral starting on it refuses to run on part of its specs, as with a damaged file store.
        StoreException refused = assertThrows(StoreException.class, this::replica);
        assertTrue(refused.getMessage().contains("/objects/Tool/_/bad"), refused.getMessage());
    }

    @Test
    void aConditionalWriteWhoseCommitWentUnansweredIsNeverReportedAsAConflict() {
        applyApi(a, tool("t", "alpine:3"));
        SpecObject read = a.get(ObjectKey.of(Kind.Tool, null, "t")).orElseThrow();
        // Every commit's answer now comes "too late": etcd makes the write, the replica does not hear it.
        ((EtcdSpecStore) a).commitTimeout(Duration.ZERO);

        StoreException e = assertThrows(StoreException.class, () -> applyApi(a, asRead(read, tool("t", "alpine:3.20").spec())));
        // The write landed, once: its own precondition refuses the retries, which must not read as a conflict.
        await().atMost(Duration.ofSeconds(10)).until(() ->
                "alpine:3.20".equals(b.get(read.key()).orElseThrow().spec().get("image").asText()));
        assertEquals(read.resourceVersion() + 1, b.get(read.key()).orElseThrow().resourceVersion());
    }

    @Test
    void theLossOfOneEtcdMemberLosesNoWrite() {
        applyApi(a, tool("before", "alpine:3"));
        etcd.kill(0);
        try {
            applyApi(a, tool("during-a", "alpine:3"));
            applyApi(b, tool("during-b", "alpine:3"));
        } finally {
            etcd.restart(0);
        }
        SpecStore c = replica();
        assertEquals(Set.of("before", "during-a", "during-b"),
                new HashSet<>(c.list(Query.ofKind(Kind.Tool)).stream().map(o -> o.metadata().name()).toList()));
        assertEquals(3, c.resourceVersion());
    }
}
