package dev.corral.spec;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every kind is found by the name specs and labels write, and nothing else is. */
class KindTest {

    @Test
    void everyKindIsFoundByItsSpecName() {
        for (Kind k : Kind.values()) {
            assertEquals(Optional.of(k), Kind.ofSpecName(k.name()));
            assertEquals(Optional.of(k), Kind.ofPathName(k.pathName()));
        }
    }

    @Test
    void otherNamesAreNoKind() {
        assertEquals(Optional.empty(), Kind.ofSpecName("relic"), "case counts");
        assertEquals(Optional.empty(), Kind.ofSpecName("Pod"));
        assertEquals(Optional.empty(), Kind.ofSpecName(""));
        assertEquals(Optional.empty(), Kind.ofSpecName(null));
    }
}
