package dev.corral.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokensFileTest {

    @TempDir
    Path dir;

    private Path file(String content, String mode) throws Exception {
        Path f = dir.resolve("tokens");
        Files.writeString(f, content);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    @Test
    void linesNameARoleAndAToken() throws Exception {
        TokensFile t = TokensFile.load(file("# comment\n\nci run 0123456789abcdef0\n  ops   admin   fedcba9876543210f  \n",
                "rw-------"));
        assertEquals(2, t.size());
        assertEquals("ci", t.match("0123456789abcdef0").orElseThrow().name());
        assertEquals(Role.ADMIN, t.match("fedcba9876543210f").orElseThrow().role());
        assertTrue(t.match("0123456789abcdef").isEmpty(), "a prefix is not the token");
        assertTrue(t.match("").isEmpty());
        assertEquals(java.util.Set.of("read", "run"), Role.RUN.granted());
    }

    @Test
    void malformedFilesAreRefusedWithTheLine() throws Exception {
        for (String bad : new String[]{"ci run\n", "ci boss 0123456789abcdef0\n", "ci run short\n",
                "a run 0123456789abcdef0\na read 1123456789abcdef0\n", "a run 0123456789abcdef0\nb read 0123456789abcdef0\n"}) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> TokensFile.load(file(bad, "rw-------")));
            assertTrue(e.getMessage().contains("line "), e.getMessage());
            assertFalse(e.getMessage().contains("0123456789abcdef0"), "the message never quotes a token");
        }
    }

    @Test
    void aFileOthersCanWriteIsRefusedOneTheyCanReadIsAllowed() throws Exception {
        assertThrows(IllegalStateException.class, () -> TokensFile.load(file("a read 0123456789abcdef0\n", "rw-rw-r--")));
        assertThrows(IllegalStateException.class, () -> TokensFile.load(file("a read 0123456789abcdef0\n", "rw-r--rw-")));
        Path readable = file("a read 0123456789abcdef0\n", "rw-r--r--");
        assertEquals(1, TokensFile.load(readable).size());
        assertTrue(TokensFile.readableByOthers(readable));
        assertFalse(TokensFile.readableByOthers(file("a read 0123456789abcdef0\n", "rw-------")));
    }
}
