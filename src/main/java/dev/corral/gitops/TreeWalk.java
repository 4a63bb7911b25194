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
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One listing of a resolved specs directory by the rules of {@link SpecsTree}: the physical tree
 * first, then the links met in it, each real directory and file read at most once.
 */
final class TreeWalk {

    private final Path root;
    private final boolean followExternal;
    private final SpecsTree.Watches watches;
    private final Map<Path, Set<String>> names;
    private final Map<String, SpecsTree.Entry> entries = new TreeMap<>();
    private final Map<Path, String> dirsRead = new HashMap<>();
    private final Map<Path, String> filesRead = new HashMap<>();
    private final Deque<String[]> links = new ArrayDeque<>();
    private final Set<String> blocked = new LinkedHashSet<>();
    private String rootProblem;

    TreeWalk(Path root, boolean followExternal, SpecsTree.Watches watches, Map<Path, Set<String>> names) {
        this.root = root;
        this.followExternal = followExternal;
        this.watches = watches;
        this.names = names;
    }

    SpecsTree.Listing run() {
        listDir(root, "");
        if (rootProblem != null) {
            return SpecsTree.unavailable(rootProblem, names);
        }
        // Links last: what is in the tree under its own name is read there, not through a link.
        while (!links.isEmpty()) {
            String[] l = links.removeFirst();
            follow(Path.of(l[0]), l[1]);
        }
        return new SpecsTree.Listing(root, null, entries, Set.copyOf(dirsRead.keySet()), names, Set.copyOf(blocked));
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
                        SpecsTree.Entry.refused("cannot list the directory (what is in it is left as it was): " + e));
            }
            return;
        }
        children.sort(null);
        for (Path child : children) {
            String name = child.getFileName().toString();
            if (SpecsTree.isHidden(name)) {
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
            } else if (attrs.isRegularFile() && SpecsTree.isSpecName(name)) {
                entries.put(rel, SpecsTree.Entry.read(child));
                filesRead.put(child, rel);
            }
        }
    }

    private void follow(Path link, String rel) {
        LinkResolution r = LinkResolution.resolve(link);
        r.report(names, watches);
        if (r.loop()) {
            entries.put(rel, SpecsTree.Entry.refused("a symbolic link loop (more than " + LinkResolution.MAX_LINKS
                    + " links to resolve it); not followed"));
            return;
        }
        String name = link.getFileName().toString();
        if (r.missing()) {
            if (SpecsTree.isSpecName(name)) {
                entries.put(rel, SpecsTree.Entry.refused("a broken symbolic link: its target does not exist"));
            }
            return;
        }
        Path target = r.real();
        boolean external = !target.startsWith(root);
        boolean dir = Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS);
        if (!dir && !(Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) && SpecsTree.isSpecName(name))) {
            return; // not a spec file (by its visible name): ignored, as a plain file would be
        }
        if (dir && link.getParent().startsWith(target)) {
            entries.put(rel, SpecsTree.Entry.refused("a symbolic link loop: it links to " + describe(target)
                    + ", a directory it is in; not followed"));
            return;
        }
        if (external && !followExternal) {
            entries.put(rel, SpecsTree.Entry.refused("a symbolic link to " + target + ", outside the specs directory;"
                    + " not followed (set corral.specs.follow-external-links=true to follow such links)"));
            return;
        }
        if (dir) {
            String already = dirsRead.get(target);
            if (already != null) {
                entries.put(rel, SpecsTree.Entry.refused("a symbolic link to " + describe(target) + ", which is read as "
                        + (already.isEmpty() ? "the specs directory itself" : "file:" + already
                        .substring(0, already.length() - 1)) + "; not read twice"));
                return;
            }
            listDir(target, rel + "/");
            return;
        }
        String already = filesRead.get(target);
        if (already != null) {
            entries.put(rel, SpecsTree.Entry.refused("a symbolic link to the same file as file:" + already + "; not read twice"));
            return;
        }
        // Its resolution watched the target's name in its directory, so an edit there is noticed too.
        entries.put(rel, SpecsTree.Entry.read(target));
        filesRead.put(target, rel);
    }

    private String describe(Path target) {
        return target.startsWith(root) ? (target.equals(root) ? "the specs directory" : root.relativize(target).toString())
                : target.toString();
    }
}
