package dev.corral.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.corral.spec.Json;
import dev.corral.spec.SpecObject;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The whole store at one resourceVersion, as JSON lines: a header, one object per line, and a
 * footer with the count, so a truncated file is recognised. Written to a temporary file,
 * synced, renamed over the old one and the directory synced: a crash leaves either the old
 * snapshot or the new one, never a mix.
 */
final class Snapshot {

    static final String FORMAT = "corral-store";
    static final int VERSION = 1;

    record Contents(long resourceVersion, List<SpecObject> objects) { }

    private Snapshot() {
    }

    static void write(Path file, long resourceVersion, Collection<SpecObject> objects) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        ObjectWriter w = Json.MAPPER.writer();
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
             BufferedWriter out = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(ch),
                     StandardCharsets.UTF_8), 1 << 16)) {
            out.write("{\"format\":\"" + FORMAT + "\",\"version\":" + VERSION + ",\"resourceVersion\":" + resourceVersion + "}\n");
            for (SpecObject o : objects) {
                out.write(w.writeValueAsString(o));
                out.write('\n');
            }
            out.write("{\"end\":" + objects.size() + "}\n");
            out.flush();
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(file.getParent());
    }

    /** Reads a snapshot; object lines are parsed in parallel (start-up time is dominated by JSON parsing). */
    static Contents read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        String first = lines.isEmpty() ? null : lines.get(0);
        JsonNode header = first == null ? null : parse(file, 1, first);
        if (header == null || !FORMAT.equals(header.path("format").asText()) || header.path("version").asInt() != VERSION) {
            throw new StoreException(file + " is not a Corral store snapshot (format " + FORMAT + " v" + VERSION
                    + "): its first line is " + (first == null ? "missing" : "\"" + abbreviate(first) + "\""));
        }
        long rv = header.path("resourceVersion").asLong();
        int last = lines.size() - 1;
        JsonNode footer = last >= 1 ? parse(file, last + 1, lines.get(last)) : null;
        if (footer == null || !footer.has("end")) {
            throw new StoreException(file + " is truncated: it ends without its footer line."
                    + " Restore it from a backup or move it aside.");
        }
        if (footer.get("end").asInt() != last - 1) {
            throw new StoreException(file + " line " + (last + 1) + ": footer counts " + footer.get("end").asInt()
                    + " objects but " + (last - 1) + " lines hold objects");
        }
        ObjectReader reader = Json.STORE.readerFor(SpecObject.class);
        List<SpecObject> objects = IntStream.range(1, last).parallel().mapToObj(i -> {
            try {
                return reader.<SpecObject>readValue(lines.get(i));
            } catch (IOException | RuntimeException e) {
                throw new StoreException(file + " line " + (i + 1) + " is not a valid object: " + e.getMessage(), e);
            }
        }).toList();
        return new Contents(rv, objects);
    }

    private static JsonNode parse(Path file, int lineNo, String line) {
        try {
            return Json.STORE.readTree(line);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new StoreException(file + " line " + lineNo + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
