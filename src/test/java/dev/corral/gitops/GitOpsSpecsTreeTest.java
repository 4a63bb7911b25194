package dev.corral.gitops;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.corral.gitops.GitOpsSupport.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The listing rules of {@link SpecsTree}, without Quarkus. */
class GitOpsSpecsTreeTest {

    @TempDir
    Path tmp;

    /** Records what a listing asks to watch, in order. */
    static final class Recorder implements SpecsTree.Watches {
        final List<String> calls = new ArrayList<>();

        @Override
        public void dir(Path realDir) {
            calls.add("dir " + realDir);
        }

        @Override
        public void name(Path realDir, String name) {
            calls.add("name " + realDir + " " + name);
        }
    }

    @Test
    void aConfigMapVolumeIsReadThroughItsVisibleNamesOnce() throws IOException {
        Path vol = tmp.resolve("vol");
        Files.createDirectories(vol.resolve("..2024_01_01_00_00_00.1"));
        Files.writeString(vol.resolve("..2024_01_01_00_00_00.1/app.yaml"), "x");
        Files.writeString(vol.resolve("..2024_01_01_00_00_00.1/notes.txt"), "x");
        sh(vol, "ln -s ..2024_01_01_00_00_00.1 ..data && ln -s ..data/app.yaml app.yaml && ln -s ..data/notes.txt notes.txt");
        Recorder w = new Recorder();
        SpecsTree.Listing l = new SpecsTree(false).list(vol, w);
        Path real = vol.toRealPath();
        assertEquals(Map.of("app.yaml", SpecsTree.Entry.read(real.resolve("..2024_01_01_00_00_00.1/app.yaml"))), l.entries());
        assertEquals(java.util.Set.of(real), l.dirs());
        // ..data is watched by name (its swap is the update), and the file behind it too.
        assertTrue(l.names().get(real).containsAll(List.of("app.yaml", "..data")), l.names().toString());
        assertTrue(w.calls.contains("dir " + real));
    }

    @Test
    void aDirectoryIsWatchedBeforeItIsListed() throws IOException {
        Path dir = tmp.resolve("d");
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/a.yaml"), "x");
        Recorder w = new Recorder();
        SpecsTree.Listing l = new SpecsTree(false).list(dir, w);
        Path real = dir.toRealPath();
        assertEquals(List.of("name " + real.getParent() + " d", "dir " + real, "dir " + real.resolve("sub")), w.calls);
        assertEquals(List.of("sub/a.yaml"), List.copyOf(l.entries().keySet()));
    }

    @Test
    void aMissingDanglingOrLoopingRootIsUnavailableNotEmpty() throws IOException {
        SpecsTree tree = new SpecsTree(false);
        SpecsTree.Listing missing = tree.list(tmp.resolve("nope"), new Recorder());
        assertFalse(missing.available());
        assertEquals("does not exist", missing.problem());
        // Its parent is watched for its name: creating it is noticed.
        assertEquals(java.util.Set.of("nope"), missing.names().get(tmp.toRealPath()));

        sh(tmp, "ln -s gone dangling && ln -s l2 l1 && ln -s l1 l2 && touch file");
        assertEquals("does not exist", tree.list(tmp.resolve("dangling"), new Recorder()).problem());
        assertEquals("is a symbolic link loop", tree.list(tmp.resolve("l1"), new Recorder()).problem());
        assertEquals("is not a directory", tree.list(tmp.resolve("file"), new Recorder()).problem());
        assertNull(tree.list(tmp, new Recorder()).problem());
    }

    @Test
    void resolutionFollowsRelativeAndAbsoluteLinksAndDotDot() throws IOException {
        Files.createDirectories(tmp.resolve("a/b"));
        sh(tmp, "ln -s a/b rel && ln -s " + tmp.resolve("rel") + " abs && ln -s a up-target && mkdir c"
                + " && ln -s ../up-target c/up");
        for (String p : List.of("rel", "abs", "c/up/b", "abs/../b")) {
            LinkResolution r = LinkResolution.resolve(tmp.resolve(p).toAbsolutePath());
            assertEquals(tmp.resolve(p).toRealPath(), r.real(), p);
        }
    }

    @Test
    void aLinkToASiblingIsADuplicateAndAllIsFinite() throws IOException {
        Path dir = tmp.resolve("d");
        Files.createDirectories(dir.resolve("x/y"));
        Files.writeString(dir.resolve("x/y/a.yaml"), "x");
        sh(dir, "ln -s x alias && ln -s ../.. x/y/top && ln -s ../../alias x/y/back");
        SpecsTree.Listing l = new SpecsTree(true).list(dir, new Recorder());
        assertEquals(List.of("alias", "x/y/a.yaml", "x/y/back", "x/y/top"), List.copyOf(l.entries().keySet()));
        assertTrue(l.entries().get("alias").error().contains("read as file:x"), l.entries().toString());
        assertTrue(l.entries().get("x/y/top").error().contains("loop"), l.entries().toString());
        assertTrue(l.entries().get("x/y/back").error().contains("loop"), l.entries().toString());
    }
}
