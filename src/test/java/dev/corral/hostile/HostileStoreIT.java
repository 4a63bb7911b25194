package dev.corral.hostile;

import dev.corral.support.CorralProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hostile requests of {@link HostileCorpusTest} against the packaged application (reconcile
 * loop off, a data directory of its own), then {@code kill -9}: the store must load again, list
 * byte for byte what it listed before the kill (label order included), and still match the model
 * of what was acknowledged. The three steps are ordered tests sharing one process.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileStoreIT {

    static final String[] SETTINGS = {"-Dcorral.reconcile.enabled=false"};

    @TempDir
    static Path tmp;
    static CorralProcess corral;
    static Fuzz fuzz;

    static Path data() {
        return tmp.resolve("data");
    }

    static void fuzzed() throws IOException {
        if (fuzz == null) {
            corral = CorralProcess.start(data(), SETTINGS);
            fuzz = new Fuzz(corral.port(), "hi");
            fuzz.corpus(HostileCorpusTest.SEED, 3);
            fuzz.edges();
            fuzz.random(HostileCorpusTest.SEED + 2, Integer.getInteger("hostile.requests", 400));
        }
    }

    @Test
    @Order(1)
    void everyHostileRequestGetsA2xxOrA4xxWithJson() throws IOException {
        fuzzed();
        assertTrue(fuzz.failures.isEmpty(), "seed " + HostileCorpusTest.SEED + ": " + fuzz.report());
    }

    @Test
    @Order(2)
    void theStoreListsExactlyWhatWasAcknowledged() throws IOException {
        fuzzed();
        List<String> diffs = fuzz.compareWithListings();
        assertTrue(diffs.isEmpty(), fuzz.model.size() + " objects acknowledged:\n  - " + String.join("\n  - ", diffs));
    }

    @Test
    @Order(3)
    void afterKill9TheStoreLoadsAndListsTheSame() throws Exception {
        fuzzed();
        String before = Raw.get(corral.port(), "/specs", "Accept", "application/json").text();
        corral.kill();
        try {
            corral = CorralProcess.start(data(), SETTINGS);
        } catch (IllegalStateException e) {
            corral = null;
            throw new AssertionError("after kill -9 the store does not load: " + e.getMessage() + "\n" + errors(), e);
        }
        fuzz = fuzz.on(corral.port());
        String after = Raw.get(corral.port(), "/specs", "Accept", "application/json").text();
        assertEquals(before, after, "GET /specs lists the same bytes before kill -9 and after the restart (label order included)");
        List<String> diffs = fuzz.compareWithListings();
        assertTrue(diffs.isEmpty(), "after the restart:\n  - " + String.join("\n  - ", diffs));
    }

    /** The last error lines of the process's log, for a failure message. */
    static String errors() throws IOException {
        Path log = data().toAbsolutePath().resolveSibling("data.log");
        if (!Files.exists(log)) {
            return "";
        }
        List<String> lines = Files.readAllLines(log).stream().filter(l -> l.contains("ERROR") || l.contains("Exception")).toList();
        // The last ones: those of the start that failed.
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 4), lines.size()));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (corral != null) {
            corral.kill();
        }
    }
}
