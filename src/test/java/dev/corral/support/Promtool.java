package dev.corral.support;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus's own tools from Debian's {@code prometheus} package ({@code deploy/setup.sh}
 * installs it): {@code promtool} and the {@code prometheus} server. A test that needs one and
 * does not find it is skipped with the reason, except on CI ({@code CI=true}), where it fails:
 * there the package is part of the set-up, and a silent skip would hide the check.
 */
public final class Promtool {

    private Promtool() {
    }

    public record Result(int exit, String output) {
    }

    /** The binary's path; skips the test (fails it on CI) when it is not installed. */
    public static Path require(String binary) {
        Optional<Path> found = find(binary);
        if (found.isEmpty()) {
            String why = binary + " is not installed (Debian package prometheus; deploy/setup.sh installs it)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(why + ", and CI=true: the check must run on CI");
            }
            Assumptions.abort(why + ": skipped");
        }
        return found.get();
    }

    /** {@code promtool check metrics}, fed {@code exposition} on its stdin. */
    public static Result checkMetrics(String exposition) {
        return run(exposition, require("promtool").toString(), "check", "metrics");
    }

    /** {@code promtool check rules FILE}. */
    public static Result checkRules(Path rules) {
        return run("", require("promtool").toString(), "check", "rules", rules.toString());
    }

    private static Optional<Path> find(String binary) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, binary);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static Result run(String stdin, String... command) {
        List<String> cmd = new ArrayList<>(Arrays.asList(command));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            try (var in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " did not end within 60 s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
