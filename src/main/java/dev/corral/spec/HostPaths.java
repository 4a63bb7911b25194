package dev.corral.spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The host directories a spec may bind-mount (an Agent's code). A relative path is resolved
 * against the first root; the result must lie under one of the roots, also after following
 * symbolic links, so a link inside a root cannot smuggle in {@code /etc}. A path that does not
 * exist yet is checked through its longest existing ancestor: Docker creates a missing bind
 * source by following the links on the way, so {@code link/newdir} with {@code link -> /outside}
 * would create {@code /outside/newdir}.
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
        if (roots.stream().noneMatch(abs::startsWith)) {
            return new Resolved(null, "must be under one of the configured roots " + roots);
        }
        Path real;
        try {
            real = realPath(abs);
        } catch (IOException e) {
            return new Resolved(null, "cannot be checked: " + e.getMessage());
        }
        for (Path root : roots) {
            try {
                if (real.startsWith(realPath(root))) {
                    return new Resolved(abs, null);
                }
            } catch (IOException e) {
                // A root that cannot be checked contains nothing.
            }
        }
        return new Resolved(null, "resolves (through a symbolic link) to " + real
                + ", outside the configured roots " + roots);
    }

    /**
     * The real path of {@code abs} (absolute and normalized, so without {@code .} or {@code ..}):
     * the real path of its longest existing ancestor (every symbolic link followed), then the
     * remaining, not yet existing, names.
     *
     * @throws IOException when an ancestor cannot be checked or is a dangling symbolic link
     *                     (what it would create cannot be known until its target exists)
     */
    static Path realPath(Path abs) throws IOException {
        Path existing = abs;
        Deque<Path> missing = new ArrayDeque<>();
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.notExists(existing, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("cannot tell whether " + existing + " exists");
            }
            missing.push(existing.getFileName());
            existing = existing.getParent();
        }
        if (existing == null) {
            return abs;
        }
        if (Files.isSymbolicLink(existing) && !Files.exists(existing)) {
            throw new IOException(existing + " is a dangling symbolic link (to " + Files.readSymbolicLink(existing) + ")");
        }
        Path real = existing.toRealPath();
        while (!missing.isEmpty()) {
            real = real.resolve(missing.pop());
        }
        return real;
    }
}
