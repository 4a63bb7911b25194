package dev.corral.gitops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** Reads the files of one listing of the specs directory, each to its bytes or the reason why not. */
final class SpecsFileReader {

    private SpecsFileReader() {
    }

    /** What one sync read: a file's bytes, or why not; {@code vanished}: it went away between listing and reading. */
    record Content(byte[] bytes, String error, boolean vanished) {
    }

    /** Reads every file of {@code listing} (through the real path its name resolved to), refusing those over {@code max} bytes. */
    static Map<String, Content> read(SpecsTree.Listing listing, long max) {
        Map<String, Content> contents = new TreeMap<>();
        for (Map.Entry<String, SpecsTree.Entry> e : listing.entries().entrySet()) {
            Path file = e.getValue().file();
            if (file == null) {
                continue;
            }
            try {
                long size = Files.size(file);
                if (size > max) {
                    contents.put(e.getKey(), new Content(null, "the file is larger than corral.api.max-body-bytes ("
                            + max + " bytes)", false));
                    continue;
                }
                contents.put(e.getKey(), new Content(Files.readAllBytes(file), null, false));
            } catch (NoSuchFileException ex) {
                contents.put(e.getKey(), new Content(null, "the file is gone", true));
            } catch (IOException ex) {
                contents.put(e.getKey(), new Content(null, "cannot read the file: " + ex.getMessage(), false));
            }
        }
        return contents;
    }
}
