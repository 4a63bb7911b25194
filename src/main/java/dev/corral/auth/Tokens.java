package dev.corral.auth;

import dev.corral.config.CorralConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Optional;

/**
 * The tokens in force: loaded from {@code corral.auth.tokens-file} at start-up (a file that
 * cannot be used stops Corral) and re-read within a second of any change, so a token is revoked
 * by removing its line. A change that makes the file unusable revokes every token until it is
 * fixed (failing closed: a typo must not keep a revoked token alive).
 */
@ApplicationScoped
public class Tokens {

    private static final Logger LOG = Logger.getLogger(Tokens.class);

    @Inject
    CorralConfig config;

    private volatile TokensFile current;
    private volatile Object stamp;

    @PostConstruct
    void init() {
        Optional<Path> file = config.auth().tokensFile();
        if (file.isEmpty()) {
            return;
        }
        current = TokensFile.load(file.get());
        stamp = stamp(file.get());
        LOG.infof("authentication: %d tokens from %s", current.size(), file.get());
        if (TokensFile.readableByOthers(file.get())) {
            LOG.warnf("the tokens file %s is readable by other users; chmod go-r it unless a secret volume"
                    + " mounts it that way", file.get());
        }
    }

    /** Whether clients must present a token. */
    public boolean enabled() {
        return config.auth().tokensFile().isPresent();
    }

    /** The client holding this token, if any. */
    public Optional<TokensFile.Entry> match(String token) {
        TokensFile t = current;
        return t == null ? Optional.empty() : t.match(token);
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void reloadIfChanged() {
        Optional<Path> file = config.auth().tokensFile();
        if (file.isEmpty()) {
            return;
        }
        Object now = stamp(file.get());
        if (Objects.equals(now, stamp)) {
            return;
        }
        stamp = now;
        try {
            current = TokensFile.load(file.get());
            LOG.infof("tokens file %s changed: %d tokens now", file.get(), current.size());
        } catch (IllegalStateException e) {
            current = null;
            LOG.errorf("tokens file %s changed and cannot be used, so no token is accepted until it is fixed: %s",
                    file.get(), e.getMessage());
        }
    }

    /** What identifies a version of the file: its modification time, size and file key (a swapped link changes it). */
    private static Object stamp(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return java.util.List.of(a.lastModifiedTime().toMillis(), a.size(), String.valueOf(a.fileKey()));
        } catch (IOException e) {
            return "missing";
        }
    }
}
