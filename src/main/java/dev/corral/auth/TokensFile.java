package dev.corral.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A tokens file: lines {@code <name> <role> <token>}, {@code #} comments and blank lines ignored.
 * Only digests of the tokens are kept, and a presented token is compared with every one of them
 * in constant time, so neither the comparison nor which entry matched shows in the timing.
 */
public final class TokensFile {

    /** One client: its name (for logs and the audit), its role, and its token's SHA-256. */
    public record Entry(String name, Role role, byte[] digest) {
    }

    private final List<Entry> entries;

    private TokensFile(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public int size() {
        return entries.size();
    }

    /**
     * Reads and checks a tokens file.
     *
     * @throws IllegalStateException naming the file and line when it cannot be used: unreadable,
     *                               writable by other users, or a malformed line
     */
    public static TokensFile load(Path file) {
        checkWritableOnlyByOwner(file);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the tokens file " + file + ": " + e.getMessage(), e);
        }
        List<Entry> entries = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> tokens = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\s+");
            String where = file + " line " + (i + 1);
            if (f.length != 3) {
                throw new IllegalStateException(where + ": expected '<name> <role> <token>' (" + f.length + " fields)");
            }
            Role role = Role.of(f[1]).orElseThrow(() -> new IllegalStateException(where + ": unknown role \"" + f[1]
                    + "\" (read, run, write or admin)"));
            if (f[2].length() < 16) {
                throw new IllegalStateException(where + ": the token of " + f[0] + " is shorter than 16 characters");
            }
            if (!names.add(f[0])) {
                throw new IllegalStateException(where + ": the name " + f[0] + " appears twice");
            }
            if (!tokens.add(f[2])) {
                throw new IllegalStateException(where + ": the token of " + f[0] + " is also another name's");
            }
            entries.add(new Entry(f[0], role, sha256(f[2])));
        }
        return new TokensFile(entries);
    }

    /** Whether users other than the owner may read the file (worth a warning: tokens are secrets). */
    public static boolean readableByOthers(Path file) {
        Set<PosixFilePermission> p = permissions(file);
        return p != null && (p.contains(PosixFilePermission.OTHERS_READ) || p.contains(PosixFilePermission.GROUP_READ));
    }

    private static void checkWritableOnlyByOwner(Path file) {
        Set<PosixFilePermission> p = permissions(file);
        if (p != null && (p.contains(PosixFilePermission.OTHERS_WRITE) || p.contains(PosixFilePermission.GROUP_WRITE))) {
            throw new IllegalStateException("the tokens file " + file + " is writable by other users: anyone who can"
                    + " write it can give themselves admin; chmod go-w it");
        }
    }

    private static Set<PosixFilePermission> permissions(Path file) {
        try {
            return Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            return null; // a file system without POSIX modes: nothing to check, by design
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the tokens file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The entry whose token this is; every entry is compared, in constant time each. */
    public Optional<Entry> match(String token) {
        byte[] d = sha256(token);
        Entry found = null;
        for (Entry e : entries) {
            if (MessageDigest.isEqual(e.digest(), d) && found == null) {
                found = e;
            }
        }
        return Optional.ofNullable(found);
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
