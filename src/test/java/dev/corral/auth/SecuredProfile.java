package dev.corral.auth;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * A Corral with tokens, a policy, a specs directory holding a file that breaks the policy, an
 * audit log and TLS with a certificate made for the test; the reconcile loop off (nothing here
 * needs the engine).
 */
public class SecuredProfile implements QuarkusTestProfile {

    static final Path DIR = Path.of("target/secured-test").toAbsolutePath();
    static final Path TOKENS = DIR.resolve("tokens");
    static final Path DATA = DIR.resolve("data");
    static final Path SPECS = DIR.resolve("specs");
    static final Path KEYSTORE = DIR.resolve("server.p12");
    static final String KEYSTORE_PASSWORD = "test-secret-123";
    static final int TLS_PORT = 8445;

    static final String READ = "read-token-0123456789";
    static final String RUN = "run-token-01234567890";
    static final String WRITE = "write-token-0123456789";
    static final String ADMIN = "admin-token-0123456789";

    static void writeTokens(String content) {
        try {
            Path tmp = DIR.resolve("tokens.tmp");
            Files.writeString(tmp, content);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            Files.move(tmp, TOKENS, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String tokens() {
        return "# name role token\nreader read " + READ + "\nrunner run " + RUN + "\nwriter write " + WRITE
                + "\nroot admin " + ADMIN + "\n";
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        try {
            if (Files.exists(DIR)) {
                try (var s = Files.walk(DIR)) {
                    s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            Files.createDirectories(SPECS);
            writeTokens(tokens());
            Files.writeString(SPECS.resolve("forbidden.yaml"), "apiVersion: corral.dev/v1\nkind: Tool\n"
                    + "metadata: {name: from-file}\nspec: {image: evil/miner:latest}\n");
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "corral", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                    "-keystore", KEYSTORE.toString(), "-storetype", "PKCS12",
                    "-storepass", KEYSTORE_PASSWORD, "-keypass", KEYSTORE_PASSWORD)
                    .redirectErrorStream(true).start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("keytool failed: " + new String(p.getInputStream().readAllBytes()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return Map.ofEntries(
                Map.entry("corral.auth.tokens-file", TOKENS.toString()),
                Map.entry("corral.data-dir", DATA.toString()),
                Map.entry("corral.specs-dir", SPECS.toString()),
                Map.entry("corral.reconcile.enabled", "false"),
                Map.entry("corral.instance", "secured-test"),
                Map.entry("corral.policy.images", "corral/*"),
                Map.entry("corral.policy.limits.relic.memory-mb", "512"),
                Map.entry("corral.policy.max-relics-per-session", "2"),
                Map.entry("corral.policy.max-runs-per-session", "1"),
                Map.entry("corral.audit.max-bytes", "4096"),
                Map.entry("corral.audit.max-files", "2"),
                Map.entry("quarkus.http.ssl.certificate.key-store-file", KEYSTORE.toString()),
                Map.entry("quarkus.http.ssl.certificate.key-store-password", KEYSTORE_PASSWORD),
                Map.entry("quarkus.http.test-ssl-port", Integer.toString(TLS_PORT)),
                Map.entry("quarkus.http.insecure-requests", "enabled"));
    }
}
