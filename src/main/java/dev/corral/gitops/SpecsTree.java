package dev.corral.gitops;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Lists the specs directory as the files to read, through symbolic links, without reading any file.
 *
 * <ul>
 *   <li>The configured path is resolved through its links at every listing (a link swapped to a new
 *   worktree or release is a new tree). A path that does not exist, dangles or loops is
 *   <em>unavailable</em>: the caller changes nothing (a link being re-pointed with {@code ln -sfn} is
 *   briefly absent; an unmounted volume is not an empty one).</li>
 *   <li>Entries whose name starts with a dot are never listed, whether files, directories or links:
 *   {@code .git}, and a Kubernetes volume's {@code ..data} and {@code ..2024_…} directories. What is
 *   behind them is read through the visible names that link into them, and each file is named by its
 *   visible relative path ({@code app.yaml}, not {@code ..data/app.yaml}).</li>
 *   <li>The physical tree is listed first; links are followed afterwards, so a directory or file reached
 *   both directly and through a link is read once, under its own name, and the link is reported as a
 *   duplicate. Every real directory is listed at most once, so the listing is finite.</li>
 *   <li>A link whose target (after resolution) is outside the real specs directory is refused, with an
 *   error on its name, unless external links are allowed. A link loop (a link to its own ancestor
 *   directory, or links that point at each other) is an error on its name and is never followed.</li>
 * </ul>
 *
 * Directories are handed to {@link Watches} <em>before</em> they are listed, so a change made after a
 * directory was listed always produces an event; so does re-pointing any link met on the way.
 * {@link LinkResolution} resolves a path through its links; {@link TreeWalk} lists a resolved tree.
 */
final class SpecsTree {

    /** What the listing needs watched. */
    interface Watches {
        /** Any change in this (real) directory matters. */
        void dir(Path realDir);

        /** A change of this one name in this (real) directory matters (a link on the way, or the root itself). */
        void name(Path realDir, String name);
    }

    /** One source: the real file to read, or why it is not read. */
    record Entry(Path file, String error) {
        static Entry read(Path file) {
            return new Entry(file, null);
        }

        static Entry refused(String error) {
            return new Entry(null, error);
        }
    }

    /**
     * One listing.
     *
     * @param root    the real directory, or null when unavailable
     * @param problem why the root is unavailable
     * @param entries by visible relative path ({@code nested/app.yaml}), sorted
     * @param dirs    the real directories listed (to watch)
     * @param names   single names to watch, by real directory
     * @param blocked prefixes ({@code nested/}) of directories that could not be listed: what was under
     *                them is unknown, not gone
     */
    record Listing(Path root, String problem, Map<String, Entry> entries, Set<Path> dirs, Map<Path, Set<String>> names,
                   Set<String> blocked) {
        boolean available() {
            return root != null;
        }

        /** The same tree: same root, same files behind the same names, same refusals. */
        boolean sameAs(Listing other) {
            return java.util.Objects.equals(root, other.root) && java.util.Objects.equals(problem, other.problem)
                    && entries.equals(other.entries);
        }
    }

    private final boolean followExternal;

    SpecsTree(boolean followExternal) {
        this.followExternal = followExternal;
    }

    Listing list(Path configured, Watches watches) {
        Path abs = configured.toAbsolutePath().normalize();
        Map<Path, Set<String>> names = new HashMap<>();
        LinkResolution r = LinkResolution.resolve(abs);
        r.report(names, watches);
        if (r.loop()) {
            return unavailable("is a symbolic link loop", names);
        }
        if (r.missing()) {
            return unavailable("does not exist", names);
        }
        if (!Files.isDirectory(r.real(), LinkOption.NOFOLLOW_LINKS)) {
            return unavailable("is not a directory", names);
        }
        return new TreeWalk(r.real(), followExternal, watches, names).run();
    }

    static Listing unavailable(String problem, Map<Path, Set<String>> names) {
        return new Listing(null, problem, Map.of(), Set.of(), names, Set.of());
    }

    /** {@code *.yaml}, {@code *.yml} and {@code *.json}. */
    static boolean isSpecName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
    }

    static boolean isHidden(String name) {
        return name.startsWith(".");
    }
}
