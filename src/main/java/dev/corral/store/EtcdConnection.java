package dev.corral.store;

import dev.corral.config.CorralConfig;
import io.etcd.jetcd.Client;
import io.quarkus.runtime.Shutdown;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;

/**
 * The one etcd client of a Corral whose store is etcd (the store and the leader election share it),
 * made on first use and closed last at shutdown.
 */
@ApplicationScoped
public class EtcdConnection {

    private static final int MAX_MESSAGE = 256 * 1024 * 1024;

    @Inject
    CorralConfig config;

    private Client client;

    public synchronized Client client() {
        if (client == null) {
            client = connect(config.store().etcd().endpoints());
        }
        return client;
    }

    /**
     * A client of the cluster at {@code endpoints}. Requests go round-robin to the members that answer:
     * with gRPC's default (the first member that answers, kept) a write sent as that member died waited
     * for it past any timeout (EtcdSpecStoreReplicasTest). Messages may be as large as the whole store
     * read in one request (10 000 specs are about 10 MiB), past gRPC's default of 4 MiB.
     */
    public static Client connect(List<String> endpoints) {
        return Client.builder().endpoints(endpoints.toArray(String[]::new)).loadBalancerPolicy("round_robin")
                .maxInboundMessageSize(MAX_MESSAGE).build();
    }

    public boolean enabled() {
        return config.store().kind() == CorralConfig.StoreKind.etcd;
    }

    @Shutdown(6000) // after the store (5000), which uses it until it closes
    synchronized void close() {
        if (client != null) {
            client.close();
            client = null;
        }
    }
}
