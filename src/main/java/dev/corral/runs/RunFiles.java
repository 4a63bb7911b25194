package dev.corral.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.corral.spec.Json;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The files a run gets and leaves, as tar streams for the Docker archive API (no host bind
 * mounts, so this works when Corral itself runs in a container next to the engine).
 */
public final class RunFiles {

    private RunFiles() {
    }

    /**
     * The workspace skeleton with the run's inputs, owned by the run's user.
     *
     * @param files path under the workspace to content
     */
    public static byte[] workspace(Map<String, byte[]> files, int uid, int gid) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (String dir : new String[]{"data/", "output/", "scripts/"}) {
                TarArchiveEntry e = new TarArchiveEntry(dir);
                e.setMode(040775);
                e.setIds(uid, gid);
                tar.putArchiveEntry(e);
                tar.closeArchiveEntry();
            }
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                TarArchiveEntry e = new TarArchiveEntry(f.getKey());
                e.setSize(f.getValue().length);
                e.setMode(0100664);
                e.setIds(uid, gid);
                tar.putArchiveEntry(e);
                tar.write(f.getValue());
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** What a run left in {@code /workspace/output}. */
    public record Output(JsonNode result, ArrayNode files, boolean filesTruncated, JsonNode variables, JsonNode condition) {
    }

    /**
     * Reads the {@code output/} tar: {@code output.json} (the result), {@code variables.json} and
     * {@code condition.json} (the helpers' outputs), and every other file, saved under
     * {@code saveDir} while their total stays under {@code cap}.
     */
    public static Output read(byte[] tar, Path saveDir, long cap) {
        JsonNode result = null;
        JsonNode variables = null;
        JsonNode condition = null;
        ArrayNode files = Json.MAPPER.createArrayNode();
        boolean truncated = false;
        long saved = 0;
        Map<String, Long> sizes = new LinkedHashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                if (!e.isFile()) {
                    continue;
                }
                // Entries are "output/<path>": strip the directory the archive was taken of.
                String name = e.getName();
                int slash = name.indexOf('/');
                String rel = slash >= 0 ? name.substring(slash + 1) : name;
                if (rel.isEmpty() || rel.contains("..")) {
                    continue;
                }
                byte[] content = in.readNBytes((int) Math.min(e.getSize(), Integer.MAX_VALUE - 8));
                switch (rel) {
                    case "output.json" -> result = parse(content);
                    case "variables.json" -> variables = parse(content);
                    case "condition.json" -> condition = parse(content);
                    default -> {
                        sizes.put(rel, (long) content.length);
                        if (saved + content.length <= cap) {
                            Path target = saveDir.resolve(rel).normalize();
                            if (target.startsWith(saveDir)) {
                                Files.createDirectories(target.getParent());
                                Files.write(target, content);
                                saved += content.length;
                            }
                        } else {
                            truncated = true;
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        sizes.forEach((n, size) -> files.addObject().put("name", n).put("size", size)
                .put("saved", Files.exists(saveDir.resolve(n))));
        return new Output(result, files, truncated, variables, condition);
    }

    /** JSON of the last non-empty line, or null. */
    public static JsonNode lastLineJson(String stdout) {
        String[] lines = stdout.split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            String l = lines[i].trim();
            if (!l.isEmpty()) {
                return l.startsWith("{") || l.startsWith("[") ? parse(l.getBytes(StandardCharsets.UTF_8)) : null;
            }
        }
        return null;
    }

    private static JsonNode parse(byte[] content) {
        try {
            return Json.MAPPER.readTree(content);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Where a run's output files are kept, under the data directory, until its record is collected.
     * Absolute and normalized: the files are checked to stay under it after {@code normalize()},
     * which a relative data directory such as the default {@code ./data} would never pass.
     */
    public static Path dir(Path dataDir, String uid) {
        return dataDir.resolve("run-files").resolve(uid).toAbsolutePath().normalize();
    }

    /** Deletes a run's kept files (best effort: a leftover is harmless and logged). */
    public static void delete(Path dataDir, String uid) {
        Path dir = dir(dataDir, uid);
        if (!Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            org.jboss.logging.Logger.getLogger(RunFiles.class).warnf("could not delete %s: %s", dir, e.getMessage());
        }
    }
}
