package dev.corral.gitops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The real path a path resolves to, or why it does not; and the (directory, name) pairs met on the way. */
record LinkResolution(Path real, boolean missing, boolean loop, List<Map.Entry<Path, String>> names) {

    /** Linux's limit on links followed while resolving one path. */
    static final int MAX_LINKS = 40;

    /** Hands the names met on the way to {@code watches}, and records them in {@code names}. */
    void report(Map<Path, Set<String>> names, SpecsTree.Watches watches) {
        for (Map.Entry<Path, String> n : this.names) {
            names.computeIfAbsent(n.getKey(), k -> new LinkedHashSet<>()).add(n.getValue());
            watches.name(n.getKey(), n.getValue());
        }
    }

    /**
     * Resolves {@code abs} component by component as the kernel does, recording the directory and name
     * of every link followed, and of the last component (so that creating, removing or re-pointing the
     * path is noticed).
     */
    static LinkResolution resolve(Path abs) {
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
                return new LinkResolution(null, true, false, names);
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
                return new LinkResolution(null, false, true, names);
            }
            Path target;
            try {
                target = Files.readSymbolicLink(next);
            } catch (IOException e) {
                return new LinkResolution(null, true, false, names);
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
        return new LinkResolution(cur, false, false, names);
    }
}
