package dev.corral.spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * The host directories a spec may bind-mount (an Agent's code). A relative path is resolved
 * against the first root; the result must lie under one of the roots, also after following
 * symbolic links, so a link inside a root cannot smuggle in {@code /etc}.
 */
public final class HostPaths {

    /** The resolved absolute path, or the reason it is refused. */
    public record Resolved(Path path, String error) { }

    private final List<Path> roots;

    public HostPaths(List<Path> roots) {
        this.roots = roots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    }

    public List<Path> roots() {
        return roots;
    }

    public Resolved resolve(String value) {
        if (roots.isEmpty()) {
            return new Resolved(null, "host directories are not allowed: no roots are configured (corral.agent.code-roots)");
        }
        Path p;
        try {
            p = Path.of(value);
        } catch (InvalidPathException e) {
            return new Resolved(null, "is not a valid path");
        }
        Path abs = (p.isAbsolute() ? p : roots.get(0).resolve(p)).normalize();
        Path root = roots.stream().filter(abs::startsWith).findFirst().orElse(null);
        if (root == null) {
            return new Resolved(null, "must be under one of the configured roots " + roots);
        }
        if (Files.exists(abs)) {
            try {
                Path real = abs.toRealPath();
                Path realRoot = root.toRealPath();
                if (!real.startsWith(realRoot)) {
                    return new Resolved(null, "resolves (through a symbolic link) to " + real
                            + ", outside the configured roots " + roots);
                }
            } catch (IOException e) {
                return new Resolved(null, "cannot be read: " + e.getMessage());
            }
        }
        return new Resolved(abs, null);
    }
}
