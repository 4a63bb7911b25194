package dev.corral.leader;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.election.LeaderKey;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.grpc.stub.StreamObserver;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One replica's part in etcd's election (the v3 election API, on a lease): it campaigns until it
 * leads, then keeps its lease alive. A leader that cannot renew its lease in time calls {@code lost}
 * before etcd can let another replica lead (the renew deadline is two thirds of the lease), so two
 * replicas never reconcile at once; the caller then stops (Corral exits, as Kubernetes' controllers
 * do, and its supervisor starts it again as a follower). A replica that stops cleanly resigns, so the
 * next one leads at once instead of after the lease.
 */
public final class LeaderElection implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LeaderElection.class);

    private final Client client;
    private final ByteSequence name;
    private final String identity;
    private final Duration ttl;
    private final Runnable lost;
    private final CompletableFuture<Void> leading = new CompletableFuture<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "corral-leader");
        t.setDaemon(true);
        return t;
    });
    private volatile long leaseId;
    private volatile long renewedAt;
    private volatile LeaderKey key;
    private volatile boolean closed;
    private AutoCloseable keepAlive;

    /**
     * @param name     the election's key in etcd ({@code PREFIX/leader})
     * @param identity what this replica proclaims (shown by every replica's readiness)
     * @param lost     called once if this replica led and can no longer be sure it does
     */
    public LeaderElection(Client client, String name, String identity, Duration ttl, Runnable lost) {
        this.client = client;
        this.name = ByteSequence.from(name, StandardCharsets.UTF_8);
        this.identity = identity;
        this.ttl = ttl;
        this.lost = lost;
    }

    /** Campaigns in the background; the future completes when this replica leads. */
    public CompletableFuture<Void> start() {
        timer.execute(this::campaign);
        return leading;
    }

    public boolean isLeader() {
        return leading.isDone() && !closed;
    }

    /** Who leads now, as it proclaimed itself, or null while nobody does. */
    public String leader() {
        try {
            var kv = client.getElectionClient().leader(name).get(ttl.toMillis(), TimeUnit.MILLISECONDS).getKv();
            return kv == null ? null : kv.getValue().toString(StandardCharsets.UTF_8);
        } catch (Exception e) {
            return null; // no leader (etcd answers "no leader" with an error) or etcd out of reach
        }
    }

    private void campaign() {
        try {
            long seconds = Math.max(1, ttl.toSeconds());
            leaseId = client.getLeaseClient().grant(seconds).get(ttl.toMillis(), TimeUnit.MILLISECONDS).getID();
            renewedAt = System.nanoTime();
            keepAlive = client.getLeaseClient().keepAlive(leaseId, new StreamObserver<>() {
                @Override
                public void onNext(LeaseKeepAliveResponse r) {
                    if (r.getTTL() > 0) {
                        renewedAt = System.nanoTime();
                    }
                }

                @Override
                public void onError(Throwable t) {
                    LOG.warnf("renewing the leader lease failed: %s", t.getMessage());
                }

                @Override
                public void onCompleted() {
                }
            });
            // Blocks until this replica leads (or the lease is gone, which fails it).
            key = client.getElectionClient().campaign(name, leaseId, ByteSequence.from(identity, StandardCharsets.UTF_8)).get()
                    .getLeader();
            if (closed) {
                return;
            }
            LOG.infof("leading (%s): this replica runs the reconcile loop and the specs directory", identity);
            long check = Math.max(100, ttl.toMillis() / 10);
            timer.scheduleWithFixedDelay(this::checkRenewed, check, check, TimeUnit.MILLISECONDS);
            leading.complete(null);
        } catch (Exception e) {
            if (closed) {
                return;
            }
            LOG.warnf("campaign for leadership failed (%s): trying again", e.getMessage());
            closeKeepAlive();
            timer.schedule(this::campaign, Math.max(200, ttl.toMillis() / 5), TimeUnit.MILLISECONDS);
        }
    }

    private void checkRenewed() {
        long since = System.nanoTime() - renewedAt;
        if (!closed && since > ttl.toNanos() * 2 / 3) {
            LOG.errorf("the leader lease was not renewed for %d ms (lease %d ms): no longer sure to lead, stopping",
                    since / 1_000_000, ttl.toMillis());
            closed = true;
            timer.shutdown();
            lost.run();
        }
    }

    private void closeKeepAlive() {
        if (keepAlive != null) {
            try {
                keepAlive.close();
            } catch (Exception e) {
                LOG.debugf("closing the lease keep-alive: %s", e.getMessage());
            }
            keepAlive = null;
        }
    }

    /** Stops campaigning or leading, and gives the lead up at once (resigns and revokes the lease). */
    @Override
    public void close() {
        boolean wasClosed = closed;
        closed = true;
        timer.shutdownNow();
        closeKeepAlive();
        if (wasClosed) {
            return; // already gave up (lost or abandoned): the lease is gone or going
        }
        try {
            if (key != null) {
                client.getElectionClient().resign(key).get(ttl.toMillis(), TimeUnit.MILLISECONDS);
            }
            if (leaseId != 0) {
                client.getLeaseClient().revoke(leaseId).get(ttl.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            LOG.warnf("giving up the lead: %s (the lease runs out in %d ms)", e.getMessage(), ttl.toMillis());
        }
    }

    /** As after {@code kill -9}: neither resigns nor revokes, the lease runs out (for tests). */
    void abandon() {
        closed = true;
        timer.shutdownNow();
        closeKeepAlive();
    }
}
