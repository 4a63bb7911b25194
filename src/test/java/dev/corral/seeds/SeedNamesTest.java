package dev.corral.seeds;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeedNamesTest {

    @Test
    void aDnsLabelStaysItself() {
        assertEquals("web", SeedNames.toObjectName("web"));
        assertEquals("a-b", SeedNames.toObjectName("a-b"));
        assertTrue(SeedNames.annotations("a-b").isEmpty());
    }

    @Test
    void theSeedsNamesBecomeLabelsWithAHashOfTheOriginal() {
        String session = SeedNames.toObjectName("session_abc123");
        assertTrue(session.matches("session-abc123-[0-9a-f]{6}"), session);
        assertEquals(session, SeedNames.toObjectName("session_abc123"), "the same name maps the same way");
        assertEquals("session_abc123", SeedNames.annotations("session_abc123").get(SeedNames.ANNOTATION));
        assertTrue(SeedNames.toObjectName("pdf_extractor").startsWith("pdf-extractor-"));
        assertTrue(SeedNames.toObjectName("___").matches("x-[0-9a-f]{6}"));
        assertTrue(SeedNames.toObjectName("Research_Cache").startsWith("research-cache-"));
    }

    @Test
    void namesThatOnlyDifferInWhatIsMappedDoNotMeet() {
        List<String> names = List.of("a_b", "a-b", "a__b", "A_B", "a.b", "a_b_", "_a_b");
        Set<String> mapped = new HashSet<>();
        for (String n : names) {
            assertTrue(mapped.add(SeedNames.toObjectName(n)), n + " collides");
        }
    }

    @Test
    void longNamesAreCutToALabel() {
        String mapped = SeedNames.toObjectName("x_".repeat(100));
        assertTrue(mapped.length() <= 63 && SeedNames.isObjectName(mapped), mapped);
        assertTrue(SeedNames.isObjectName(SeedNames.toObjectName("a".repeat(64))));
    }
}
