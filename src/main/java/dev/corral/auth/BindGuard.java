package dev.corral.auth;

import dev.corral.config.CorralConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Refuses to start an unauthenticated Corral on an address other than loopback, unless
 * {@code corral.auth.allow-anonymous=true} says it is meant (then it warns at every start), and
 * says at start-up who can reach it.
 */
@ApplicationScoped
public class BindGuard {

    private static final Logger LOG = Logger.getLogger(BindGuard.class);

    @Inject
    CorralConfig config;
    @Inject
    Tokens tokens;
    @ConfigProperty(name = "quarkus.http.host")
    String host;

    void check(@Observes StartupEvent ev) {
        if (tokens.enabled()) {
            return;
        }
        if (loopback(host)) {
            LOG.infof("no corral.auth.tokens-file: listening on %s only, without authentication", host);
        } else if (config.auth().allowAnonymous()) {
            LOG.warnf("no corral.auth.tokens-file and corral.auth.allow-anonymous=true: anyone who can reach %s may"
                    + " start containers on this host (root-equivalent); set a tokens file", host);
        } else {
            throw new IllegalStateException("refusing to listen on " + host + " without authentication: anyone who"
                    + " reaches it could start containers on this host. Set corral.auth.tokens-file (see the README),"
                    + " or listen on 127.0.0.1, or set corral.auth.allow-anonymous=true on purpose");
        }
    }

    static boolean loopback(String host) {
        if (host.equals("localhost")) {
            return true;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
