package dev.corral.hostile;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hostile corpus over HTTP, in process: every payload class of {@link HostileGen} in both
 * formats, then random requests of every class (path traversal, header and query garbage, runs,
 * reads, deletes) from a fixed seed. Every answer must be a 2xx or a 4xx with Corral's JSON
 * error, in time; and afterwards the store must list, as JSON and as YAML, exactly what was
 * acknowledged. The app has a store of its own ({@link HostileProfile.Corpus}), so the model is
 * the whole store. The same requests against the packaged app, with a kill -9, are
 * {@link HostileStoreIT}.
 */
@QuarkusTest
@TestProfile(HostileProfile.Corpus.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileCorpusTest {

    static final long SEED = Long.getLong("hostile.seed", 20261204L);
    static final int RANDOM_REQUESTS = Integer.getInteger("hostile.requests", 400);

    /** Shared by the two tests: the second checks what the first acknowledged. */
    static Fuzz fuzz;

    @Test
    @Order(1)
    void everyHostileRequestGetsA2xxOrA4xxWithJson() {
        fuzz = new Fuzz(RestAssured.port, "hc");
        fuzz.corpus(SEED, 3);
        fuzz.edges();
        fuzz.random(SEED + 1, RANDOM_REQUESTS);
        assertTrue(fuzz.failures.isEmpty(), "seed " + SEED + ": " + fuzz.report());
    }

    @Test
    @Order(2)
    void theStoreListsExactlyWhatWasAcknowledged() {
        if (fuzz == null) {
            fuzz = new Fuzz(RestAssured.port, "hc");
            fuzz.corpus(SEED, 3);
            fuzz.edges();
            fuzz.random(SEED + 1, RANDOM_REQUESTS);
        }
        List<String> diffs = fuzz.compareWithListings();
        assertTrue(diffs.isEmpty(), "seed " + SEED + ", " + fuzz.model.size() + " objects acknowledged:\n  - "
                + String.join("\n  - ", diffs));
    }
}
