package dev.corral.spec;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LabelSelector: Kubernetes-style equality selectors. */
class LabelSelectorTest {

    @Test
    void equalityInequalityAndExistence() {
        LabelSelector s = LabelSelector.parse("a=b,c!=d,e");
        assertTrue(s.matches(Map.of("a", "b", "e", "")));
        assertTrue(s.matches(Map.of("a", "b", "c", "x", "e", "1")));
        assertFalse(s.matches(Map.of("a", "b", "c", "d", "e", "1")), "c=d is excluded");
        assertFalse(s.matches(Map.of("a", "b", "c", "x")), "e must exist");
        assertFalse(s.matches(Map.of("a", "x", "e", "1")), "a must be b");
        assertFalse(s.matches(Map.of("e", "1")), "a must be present");
    }

    @Test
    void inequalityMatchesAnAbsentLabel() {
        assertTrue(LabelSelector.parse("tier!=db").matches(Map.of()));
        assertTrue(LabelSelector.parse("tier!=db").matches(Map.of("tier", "web")));
        assertFalse(LabelSelector.parse("tier!=db").matches(Map.of("tier", "db")));
    }

    @Test
    void doubleEqualsAndNegatedExistence() {
        LabelSelector s = LabelSelector.parse("app==web, !legacy");
        assertTrue(s.matches(Map.of("app", "web")));
        assertFalse(s.matches(Map.of("app", "web", "legacy", "true")));
        assertFalse(s.matches(Map.of("app", "webx")));
    }

    @Test
    void whitespaceAndEmptyPartsAreIgnored() {
        LabelSelector s = LabelSelector.parse(" app = web ,, tier ");
        assertTrue(s.matches(Map.of("app", "web", "tier", "x")));
        assertFalse(s.matches(Map.of("app", "web")));
    }

    @Test
    void emptySelectorMatchesEverything() {
        assertTrue(LabelSelector.parse("").matches(Map.of()));
        assertTrue(LabelSelector.parse("").matches(Map.of("a", "b")));
    }

    @Test
    void prefixedKeysAndEmptyValues() {
        assertTrue(LabelSelector.parse("example.com/tier=front").matches(Map.of("example.com/tier", "front")));
        LabelSelector empty = LabelSelector.parse("a=");
        assertTrue(empty.matches(Map.of("a", "")));
        assertFalse(empty.matches(Map.of("a", "x")));
        assertFalse(empty.matches(Map.of()));
    }

    @Test
    void valuesAreCaseSensitive() {
        assertFalse(LabelSelector.parse("app=Web").matches(Map.of("app", "web")));
    }

    @Test
    void invalidSelectorsAreRejected() {
        for (String bad : List.of("a=b=c", "a b=c", "=b", "!", "!=x", "a=two words", "-a=b", "a=b-",
                "env in (a,b)", "!a=b", "a!==b", "a=" + "v".repeat(64), "k".repeat(64) + "=v")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse(bad), bad);
            assertTrue(e.getMessage().contains("invalid selector requirement"), e.getMessage());
        }
    }

    @Test
    void theErrorNamesTheBadRequirement() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LabelSelector.parse("app=web,bad key=x"));
        assertTrue(e.getMessage().contains("\"bad key=x\""), e.getMessage());
    }

    @Test
    void longestValidKeysAndValuesAreAccepted() {
        String key = "k".repeat(63);
        String value = "v".repeat(63);
        assertTrue(LabelSelector.parse(key + "=" + value).matches(Map.of(key, value)));
    }
}
