package dev.corral.leader;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.election.LeaderKey;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One replica's part in etcd's election (the v3 election API, on a lease): it campaigns until it
 * leads, keeping its lease alive all along. A leader that cannot renew its lease in time calls {@code lost}
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
    private final ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "corral-lease");
        t.setDaemon(true);
        return t;
    });
    private volatile ScheduledFuture<?> renewal;
    private volatile LeaderKey key;
    private volatile boolean closed;

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
            long lease = leaseId;
            renewal = renewer.scheduleWithFixedDelay(() -> renew(lease), renewEvery(), renewEvery(), TimeUnit.MILLISECONDS);
            // Blocks until this replica leads (or the lease is gone, which fails it).
            key = client.getElectionClient().campaign(name, leaseId, ByteSequence.from(identity, StandardCharsets.UTF_8)).get()
                    .getLeader();
            if (closed) {
                return;
            }
            LOG.infof("leading (%s): this replica runs the reconcile loop and the specs directory", identity);
            long check = Math.max(100, ttl.toMillis() / 10);
            renewer.scheduleWithFixedDelay(this::checkRenewed, check, check, TimeUnit.MILLISECONDS);
            leading.complete(null);
        } catch (Exception e) {
            if (closed) {
                return;
            }
            LOG.warnf("campaign for leadership failed (%s): trying again", e.getMessage());
            stopRenewing();
            timer.schedule(this::campaign, Math.max(200, ttl.toMillis() / 5), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Renews every sixth of the lease, on a thread of its own (the campaign blocks its thread until this
     * replica leads, and a follower's lease must live meanwhile). Not jetcd's keep-alive stream: it renews
     * every third of the lease, checked every 500 ms, which left only one renewal inside the renew
     * deadline below; a leader on a loaded machine then gave up without reason.
     */
    private long renewEvery() {
        return Math.max(100, ttl.toMillis() / 6);
    }

    /** One renewal; the lease counts as renewed from when it was asked (it cannot have been extended earlier). */
    private void renew(long lease) {
        long asked = System.nanoTime();
        client.getLeaseClient().keepAliveOnce(lease).whenComplete((r, e) -> {
            if (e == null && r.getTTL() > 0) {
                renewedAt = Math.max(renewedAt, asked);
            } else if (e != null && !closed) {
                LOG.debugf("renewing the lease failed: %s", e.getMessage());
            }
        });
    }

    private void stopRenewing() {
        ScheduledFuture<?> r = renewal;
        if (r != null) {
            r.cancel(false);
        }
    }

    private void checkRenewed() {
        long since = System.nanoTime() - renewedAt;
        if (!closed && since > ttl.toNanos() * 2 / 3) {
            LOG.errorf("the leader lease was not renewed for %d ms (lease %d ms): no longer sure to lead, stopping",
                    since / 1_000_000, ttl.toMillis());
            closed = true;
            timer.shutdown();
            renewer.shutdownNow();
            lost.run();
        }
    }

    /** Stops campaigning or leading, and gives the lead up at once (resigns and revokes the lease). */
    @Override
    public void close() {
        boolean wasClosed = closed;
        closed = true;
        timer.shutdownNow();
        renewer.shutdownNow();
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
        renewer.shutdownNow();
    }
}
