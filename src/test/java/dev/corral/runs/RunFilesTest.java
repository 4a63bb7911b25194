package dev.corral.runs;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunFilesTest {

    /** deploy/run.sh's data directory is the default, {@code ./data}: a run's files must be kept there too. */
    @Test
    void filesAreKeptUnderARelativeDataDirectory(@TempDir Path tmp) throws IOException {
        Path relative = Path.of(".").toAbsolutePath().relativize(tmp.toAbsolutePath());
        Path dataDir = Path.of(".", relative.toString(), ".", "data");
        Path dir = RunFiles.dir(dataDir, "uid-1");

        RunFiles.Output out = RunFiles.read(tar("output/a.txt", "hello\n"), dir, 1024);

        assertEquals("a.txt", out.files().get(0).path("name").asText());
        assertTrue(out.files().get(0).path("saved").asBoolean(), out.files().toString());
        assertEquals("hello\n", Files.readString(tmp.resolve("data/run-files/uid-1/a.txt")));
    }

    private static byte[] tar(String name, String content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            byte[] b = content.getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry e = new TarArchiveEntry(name);
            e.setSize(b.length);
            tar.putArchiveEntry(e);
            tar.write(b);
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }
}
