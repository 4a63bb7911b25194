package dev.corral.store;

import dev.corral.admission.WriteRules;
import dev.corral.testing.EtcdCluster;
import dev.corral.testing.EtcdTest;
import io.etcd.jetcd.Client;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The store contract on the etcd store, against a real one-member etcd: each test under a prefix of its
 * own, so the tests share the process and never see each other's keys.
 */
@EtcdTest
class EtcdSpecStoreSemanticsTest extends SpecStoreContract {

    private static EtcdCluster etcd;
    private static Client client;
    private final String prefix = "/test-" + UUID.randomUUID();

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdCluster.start(1);
        client = EtcdConnection.connect(etcd.endpoints());
    }

    @AfterAll
    static void stopEtcd() {
        client.close();
        etcd.close();
    }

    @Override
    protected SpecStore openEmpty() {
        return EtcdSpecStore.open(client, prefix, Duration.ofSeconds(5), clock, new WriteRules());
    }

    @Override
    protected SpecStore reopen() {
        return openEmpty();
    }

    @Override
    protected long durableMark() throws Exception {
        return client.getKVClient().get(EtcdKeys.bytes("/")).get(5, TimeUnit.SECONDS).getHeader().getRevision();
    }
}
