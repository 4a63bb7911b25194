package dev.corral.gitops;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

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
 */
final class SpecsTree {

    /** Linux's limit on links followed while resolving one path. */
    static final int MAX_LINKS = 40;

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

    /** The real path a path resolves to, or why it does not; and the (directory, name) pairs met on the way. */
    record Resolution(Path real, boolean missing, boolean loop, List<Map.Entry<Path, String>> names) {
    }

    private final boolean followExternal;

    SpecsTree(boolean followExternal) {
        this.followExternal = followExternal;
    }

    Listing list(Path configured, Watches watches) {
        Path abs = configured.toAbsolutePath().normalize();
        Map<Path, Set<String>> names = new HashMap<>();
        Resolution r = resolve(abs);
        for (Map.Entry<Path, String> n : r.names()) {
            names.computeIfAbsent(n.getKey(), k -> new LinkedHashSet<>()).add(n.getValue());
            watches.name(n.getKey(), n.getValue());
        }
        if (r.loop()) {
            return unavailable("is a symbolic link loop", names);
        }
        if (r.missing()) {
            return unavailable("does not exist", names);
        }
        if (!Files.isDirectory(r.real(), LinkOption.NOFOLLOW_LINKS)) {
            return unavailable("is not a directory", names);
        }
        return new Walk(r.real(), watches, names).run();
    }

    private static Listing unavailable(String problem, Map<Path, Set<String>> names) {
        return new Listing(null, problem, Map.of(), Set.of(), names, Set.of());
    }

    /**
     * Resolves {@code abs} component by component as the kernel does, recording the directory and name
     * of every link followed, and of the last component (so that creating, removing or re-pointing the
     * path is noticed).
     */
    static Resolution resolve(Path abs) {
        List<Map.Entry<Path, String>> names = new ArrayList<>();
        Deque<String> todo = new ArrayDeque<>();
        abs.forEach(p -> todo.addLast(p.toString()));
        Path cur = abs.getRoot();
        int links = 0;
        while (!todo.isEmpty()) {
            String name = todo.removeFirst();
            if (name.isEmpty() || name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                cur = cur.getParent() == null ? cur : cur.getParent();
                continue;
            }
            Path next = cur.resolve(name);
            boolean last = todo.isEmpty();
            BasicFileAttributes attrs;
            try {
                attrs = Files.readAttributes(next, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                names.add(Map.entry(cur, name));
                return new Resolution(null, true, false, names);
            }
            if (!attrs.isSymbolicLink()) {
                if (last) {
                    names.add(Map.entry(cur, name));
                }
                cur = next;
                continue;
            }
            names.add(Map.entry(cur, name));
            if (++links > MAX_LINKS) {
                return new Resolution(null, false, true, names);
            }
            Path target;
            try {
                target = Files.readSymbolicLink(next);
            } catch (IOException e) {
                return new Resolution(null, true, false, names);
            }
            List<String> parts = new ArrayList<>();
            target.forEach(p -> parts.add(p.toString()));
            for (int i = parts.size() - 1; i >= 0; i--) {
                todo.addFirst(parts.get(i));
            }
            if (target.isAbsolute()) {
                cur = target.getRoot();
            }
        }
        return new Resolution(cur, false, false, names);
    }

    /** {@code *.yaml}, {@code *.yml} and {@code *.json}. */
    static boolean isSpecName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
    }

    static boolean isHidden(String name) {
        return name.startsWith(".");
    }

    private final class Walk {
        private final Path root;
        private final Watches watches;
        private final Map<Path, Set<String>> names;
        private final Map<String, Entry> entries = new TreeMap<>();
        private final Map<Path, String> dirsRead = new HashMap<>();
        private final Map<Path, String> filesRead = new HashMap<>();
        private final Deque<String[]> links = new ArrayDeque<>();
        private final Set<String> blocked = new LinkedHashSet<>();
        private String rootProblem;

        Walk(Path root, Watches watches, Map<Path, Set<String>> names) {
            this.root = root;
            this.watches = watches;
            this.names = names;
        }

        Listing run() {
            listDir(root, "");
            if (rootProblem != null) {
                return unavailable(rootProblem, names);
            }
            // Links last: what is in the tree under its own name is read there, not through a link.
            while (!links.isEmpty()) {
                String[] l = links.removeFirst();
                follow(Path.of(l[0]), l[1]);
            }
            return new Listing(root, null, entries, Set.copyOf(dirsRead.keySet()), names, Set.copyOf(blocked));
        }

        private void listDir(Path realDir, String prefix) {
            dirsRead.put(realDir, prefix);
            watches.dir(realDir);
            List<Path> children = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(realDir)) {
                ds.forEach(children::add);
            } catch (NoSuchFileException | NotDirectoryException e) {
                // Removed while listing (an old worktree deleted after a swap): the second listing tells.
                if (prefix.isEmpty()) {
                    rootProblem = "was removed while being listed";
                }
                return;
            } catch (IOException e) {
                if (prefix.isEmpty()) {
                    rootProblem = "cannot be listed: " + e;
                } else {
                    blocked.add(prefix);
                    entries.put(prefix.substring(0, prefix.length() - 1),
                            Entry.refused("cannot list the directory (what is in it is left as it was): " + e));
                }
                return;
            }
            children.sort(null);
            for (Path child : children) {
                String name = child.getFileName().toString();
                if (isHidden(name)) {
                    continue;
                }
                String rel = prefix + name;
                BasicFileAttributes attrs;
                try {
                    attrs = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (IOException e) {
                    continue; // gone since the directory was listed
                }
                if (attrs.isSymbolicLink()) {
                    links.addLast(new String[] {child.toString(), rel});
                } else if (attrs.isDirectory()) {
                    listDir(child, rel + "/");
                } else if (attrs.isRegularFile() && isSpecName(name)) {
                    entries.put(rel, Entry.read(child));
                    filesRead.put(child, rel);
                }
            }
        }

        private void follow(Path link, String rel) {
            Resolution r = resolve(link);
            for (Map.Entry<Path, String> n : r.names()) {
                names.computeIfAbsent(n.getKey(), k -> new LinkedHashSet<>()).add(n.getValue());
                watches.name(n.getKey(), n.getValue());
            }
            if (r.loop()) {
                entries.put(rel, Entry.refused("a symbolic link loop (more than " + MAX_LINKS
                        + " links to resolve it); not followed"));
                return;
            }
            String name = link.getFileName().toString();
            if (r.missing()) {
                if (isSpecName(name)) {
                    entries.put(rel, Entry.refused("a broken symbolic link: its target does not exist"));
                }
                return;
            }
            Path target = r.real();
            boolean external = !target.startsWith(root);
            boolean dir = Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS);
            if (!dir && !(Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) && isSpecName(name))) {
                return; // not a spec file (by its visible name): ignored, as a plain file would be
            }
            if (dir && link.getParent().startsWith(target)) {
                entries.put(rel, Entry.refused("a symbolic link loop: it links to " + describe(target)
                        + ", a directory it is in; not followed"));
                return;
            }
            if (external && !followExternal) {
                entries.put(rel, Entry.refused("a symbolic link to " + target + ", outside the specs directory;"
                        + " not followed (set corral.specs.follow-external-links=true to follow such links)"));
                return;
            }
            if (dir) {
                String already = dirsRead.get(target);
                if (already != null) {
                    entries.put(rel, Entry.refused("a symbolic link to " + describe(target) + ", which is read as "
                            + (already.isEmpty() ? "the specs directory itself" : "file:" + already
                            .substring(0, already.length() - 1)) + "; not read twice"));
                    return;
                }
                listDir(target, rel + "/");
                return;
            }
            String already = filesRead.get(target);
            if (already != null) {
                entries.put(rel, Entry.refused("a symbolic link to the same file as file:" + already + "; not read twice"));
                return;
            }
            // Its resolution watched the target's name in its directory, so an edit there is noticed too.
            entries.put(rel, Entry.read(target));
            filesRead.put(target, rel);
        }

        private String describe(Path target) {
            return target.startsWith(root) ? (target.equals(root) ? "the specs directory" : root.relativize(target).toString())
                    : target.toString();
        }
    }
}
