package dev.corral.gitops;

import io.restassured.path.json.JsonPath;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shared by the GitOps layout tests: two revisions of a specs directory that differ in every way a
 * revision can (a file kept as is, a file edited, a file removed, a file added, an object dropped,
 * an object added, an object moved from a file that stays and one moved from a file that goes),
 * and the checks that a swap from one to the other was applied as one consistent change.
 */
final class GitOpsSupport {

    private GitOpsSupport() {
    }

    /** A Tool in a file: its name and image tag. */
    record Tool(String name, String tag) {
    }

    /** A revision: file name to the Tools it declares. */
    record Revision(String name, Map<String, List<Tool>> files) {

        void writeTo(Path dir) {
            try {
                Files.createDirectories(dir);
                for (Map.Entry<String, List<Tool>> f : files.entrySet()) {
                    Path file = dir.resolve(f.getKey());
                    Files.createDirectories(file.getParent());
                    Files.writeString(file, yaml(f.getValue()));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Tool name to the source that should own it. */
        Map<String, String> owners() {
            Map<String, String> owners = new TreeMap<>();
            files.forEach((file, tools) -> tools.forEach(t -> owners.put(t.name(), "file:" + file)));
            return owners;
        }

        Map<String, String> tags() {
            Map<String, String> tags = new TreeMap<>();
            files.values().forEach(tools -> tools.forEach(t -> tags.put(t.name(), t.tag())));
            return tags;
        }
    }

    static final Revision REV1 = new Revision("rev1", ordered(
            "keep.yaml", List.of(new Tool("keep", "v1")),
            "a.yaml", List.of(new Tool("a-stays", "v1"), new Tool("moving", "v1"), new Tool("dropped", "v1")),
            "b.yaml", List.of(new Tool("changed", "v1")),
            "gone.yaml", List.of(new Tool("gone-tool", "v1"), new Tool("moving2", "v1"))));

    static final Revision REV2 = new Revision("rev2", ordered(
            "keep.yaml", List.of(new Tool("keep", "v1")),
            "a.yaml", List.of(new Tool("a-stays", "v1")),
            "b.yaml", List.of(new Tool("changed", "v2"), new Tool("moving2", "v1")),
            "c.yaml", List.of(new Tool("moving", "v1"), new Tool("added", "v1"))));

    private static Map<String, List<Tool>> ordered(Object... kv) {
        Map<String, List<Tool>> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            @SuppressWarnings("unchecked")
            List<Tool> tools = (List<Tool>) kv[i + 1];
            m.put((String) kv[i], tools);
        }
        return m;
    }

    static String tool(String name, String tag) {
        return "apiVersion: corral.dev/v1\nkind: Tool\nmetadata: {name: %s}\nspec: {image: corral/busybox:%s}\n"
                .formatted(name, tag);
    }

    static String yaml(List<Tool> tools) {
        StringBuilder b = new StringBuilder();
        for (Tool t : tools) {
            if (!b.isEmpty()) {
                b.append("---\n");
            }
            b.append(tool(t.name(), t.tag()));
        }
        return b.toString();
    }

    /**
     * A directory for one test class, the same in every class loader Quarkus loads the class in
     * (a system property, as in {@link SpecsDirectoryTest}).
     */
    static Path testDir(String name) {
        return Path.of((String) System.getProperties().computeIfAbsent("corraltest.gitops." + name,
                k -> Path.of("target", "gitops-" + name + "-" + UUID.randomUUID()).toAbsolutePath().toString()));
    }

    /** The settings every GitOps test shares: its own data and instance, no engine, events only. */
    static Map<String, String> overrides(Path specsDir, Map<String, String> more) {
        Map<String, String> m = new HashMap<>(more);
        m.put("corral.specs-dir", specsDir.toString());
        m.put("corral.data-dir", "target/corral-test-data-" + UUID.randomUUID());
        m.put("corral.reconcile.enabled", "false");
        m.put("corral.instance", "gitopstest");
        m.putIfAbsent("corral.specs.rescan-interval", "1h");
        return m;
    }

    /** Runs a command (sh -c) in {@code dir}; fails the test if it fails. */
    static String sh(Path dir, String script) {
        try {
            Process p = new ProcessBuilder("sh", "-c", script).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("`" + script + "` in " + dir + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A specs directory full of links: {@code base/specs} links to {@code base/real}, which holds plain
     * files, a link into a hidden directory, a duplicate, links outside ({@code base/outside}), a link to
     * its own ancestor and two links pointing at each other.
     */
    static void linksLayout(Path base) {
        if (Files.exists(base.resolve("specs"), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.createDirectories(base.resolve("real/nested"));
            Files.createDirectories(base.resolve("real/.hidden"));
            Files.createDirectories(base.resolve("outside/extdir"));
            Files.writeString(base.resolve("real/initial.yaml"), tool("initial", "v1"));
            Files.writeString(base.resolve("real/nested/n.yaml"), tool("nested", "v1"));
            Files.writeString(base.resolve("real/.hidden/h.yaml"), tool("behind-hidden", "v1"));
            Files.writeString(base.resolve("outside/ext.yaml"), tool("ext", "v1"));
            Files.writeString(base.resolve("outside/extdir/x.yaml"), tool("extx", "v1"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        sh(base, "ln -s .hidden real/shown && ln -s initial.yaml real/alias.yaml && ln -s .. real/nested/up"
                + " && ln -s loop-b real/loop-a && ln -s loop-a real/loop-b"
                + " && ln -s ../outside/ext.yaml real/ext.yaml && ln -s ../outside/extdir real/extdir"
                + " && ln -s real specs");
    }

    /** What a test remembers of a stored Tool across a swap. */
    record Stored(String uid, long resourceVersion, long generation, String source, String image) {
    }

    static Map<String, Stored> tools() {
        JsonPath body = given().get("/specs?kind=tool").then().statusCode(200).extract().jsonPath();
        Map<String, Stored> tools = new TreeMap<>();
        List<Map<String, Object>> items = body.getList("items");
        for (Map<String, Object> item : items) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) item.get("metadata");
            @SuppressWarnings("unchecked")
            Map<String, Object> spec = (Map<String, Object>) item.get("spec");
            tools.put((String) m.get("name"), new Stored((String) m.get("uid"), ((Number) m.get("resourceVersion")).longValue(),
                    ((Number) m.get("generation")).longValue(), (String) m.get("source"), (String) spec.get("image")));
        }
        return tools;
    }

    /** {@code GET /sources}: each file source's objects. */
    static Map<String, List<String>> fileSources() {
        JsonPath body = given().get("/sources").then().statusCode(200).extract().jsonPath();
        Map<String, List<String>> out = new TreeMap<>();
        List<Map<String, Object>> items = body.getList("items");
        for (Map<String, Object> item : items) {
            String source = (String) item.get("source");
            if (source.startsWith("file:")) {
                @SuppressWarnings("unchecked")
                List<String> objects = (List<String>) item.get("objects");
                out.put(source, objects.stream().sorted().toList());
            }
        }
        return out;
    }

    /** The errors {@code GET /sources} reports on one source, as text. */
    static String sourceErrors(String source) {
        List<String> messages = given().get("/sources").then().statusCode(200).extract().jsonPath()
                .getList("items.find { it.source == '" + source + "' }.errors.message");
        return messages == null ? "" : String.join("; ", messages);
    }

    /** What is stored is exactly {@code rev} (plus {@code others}, tools the test put there by other means). */
    static void assertStored(Revision rev, Map<String, Stored> now) {
        Map<String, String> tags = rev.tags();
        Map<String, String> owners = rev.owners();
        assertEquals(tags.keySet(), now.keySet(), "tools stored for " + rev.name());
        for (Map.Entry<String, String> t : tags.entrySet()) {
            Stored s = now.get(t.getKey());
            assertEquals("corral/busybox:" + t.getValue(), s.image(), t.getKey() + "'s image");
            assertEquals(owners.get(t.getKey()), s.source(), t.getKey() + "'s source");
        }
    }

    /** {@code GET /sources} lists exactly the revision's files, each with its objects. */
    static void assertSources(Revision rev) {
        Map<String, List<String>> expected = new TreeMap<>();
        rev.files().forEach((file, tools) -> expected.put("file:" + file,
                tools.stream().map(t -> "tool/" + t.name()).sorted().toList()));
        assertEquals(expected, fileSources(), "GET /sources after " + rev.name());
    }

    /**
     * Waits until {@code to} is what is stored and served, then checks that the swap from {@code before}
     * kept identities: an object in both revisions keeps its uid (also one that moved to another file);
     * one whose spec did not change keeps its generation; one whose file and spec are unchanged was not
     * written at all (same resourceVersion).
     *
     * @return how long, from {@code since} (System.nanoTime()), until the new revision was seen
     */
    static Duration awaitSwap(Map<String, Stored> before, Revision from, Revision to, long since) {
        long[] seen = new long[1];
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            assertStored(to, tools());
            seen[0] = System.nanoTime();
        });
        Map<String, Stored> after = tools();
        for (String name : new TreeSet<>(after.keySet())) {
            Stored b = before.get(name);
            Stored a = after.get(name);
            if (b == null) {
                continue;
            }
            assertEquals(b.uid(), a.uid(), name + " kept its uid (moved: " + !b.source().equals(a.source()) + ")");
            if (b.image().equals(a.image())) {
                assertEquals(b.generation(), a.generation(), name + "'s spec is the same: same generation");
                if (b.source().equals(a.source())) {
                    assertEquals(b.resourceVersion(), a.resourceVersion(), name + " is unchanged: not written");
                }
            } else {
                assertEquals(b.generation() + 1, a.generation(), name + " changed once");
            }
        }
        Map<String, String> fromOwners = from.owners();
        Map<String, String> toOwners = to.owners();
        boolean anyMoved = toOwners.entrySet().stream()
                .anyMatch(e -> fromOwners.containsKey(e.getKey()) && !fromOwners.get(e.getKey()).equals(e.getValue()));
        assertTrue(anyMoved, "the revisions move objects between files");
        assertSources(to);
        Duration took = Duration.ofNanos(seen[0] - since);
        System.out.printf("GitOps: %s -> %s seen applied after %d ms%n", from.name(), to.name(), took.toMillis());
        return took;
    }
}
