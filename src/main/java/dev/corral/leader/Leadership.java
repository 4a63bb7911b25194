package dev.corral.leader;

import dev.corral.config.CorralConfig;
import dev.corral.store.EtcdConnection;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;

/**
 * Which replica does the work that must happen once: the reconcile loop and the specs directory. With
 * the file store there is one Corral, and it leads. With the etcd store every replica serves the API and
 * one, elected through etcd ({@link LeaderElection}), reconciles; the others wait to take over.
 */
@ApplicationScoped
public class Leadership {

    /** The exit status of a leader that lost its lease, for its supervisor's logs. */
    public static final int LOST_LEAD = 3;

    private static final Logger LOG = Logger.getLogger(Leadership.class);

    @Inject
    CorralConfig config;

    @Inject
    EtcdConnection etcd;

    @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080")
    int port;

    private final CompletableFuture<Void> leading = new CompletableFuture<>();
    private volatile LeaderElection election;
    private volatile String identity;

    // Before every other start-up observer (default priority 2500): they ask whenLeading.
    @PostConstruct
    void name() {
        identity = host() + ":" + port + " pid " + ProcessHandle.current().pid();
    }

    void start(@Observes @Priority(100) StartupEvent ev) {
        if (!etcd.enabled()) {
            leading.complete(null);
            return;
        }
        var settings = config.store().etcd();
        String name = settings.prefix().replaceAll("/+$", "") + "/leader/" + config.instance();
        election = new LeaderElection(etcd.client(), name, identity, settings.leaseTtl(), () -> {
            LOG.error("lost the lead: stopping, so that another replica leads alone (exit status " + LOST_LEAD + ")");
            Quarkus.asyncExit(LOST_LEAD);
        });
        LOG.infof("campaigning to lead (%s), election %s", identity, name);
        election.start().thenRun(() -> leading.complete(null));
    }

    // After the loop has stopped (its shutdown observers run at the default priority).
    void stop(@Observes @Priority(5000) ShutdownEvent ev) {
        if (election != null) {
            election.close();
        }
    }

    /**
     * Runs {@code work} once this replica leads: at once, on the caller's thread, if it already does
     * (always with the file store, so start-up stays as it was); later, on a thread of its own, if not.
     */
    public void whenLeading(Runnable work) {
        if (leading.isDone()) {
            work.run();
        } else {
            leading.thenRunAsync(work);
        }
    }

    /** Whether this replica leads; always, with the file store (even before start-up has run). */
    public boolean isLeader() {
        if (!etcd.enabled()) {
            return true;
        }
        LeaderElection e = election;
        return e != null && e.isLeader();
    }

    /** This replica, as it names itself to the others. */
    public String identity() {
        return identity;
    }

    /** The leading replica's identity (this one's with the file store), or null while none leads. */
    public String leader() {
        return election == null ? identity : election.leader();
    }

    public boolean replicated() {
        return election != null;
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }
}
