package dev.corral.seeds;

import dev.corral.ownership.SpecHash;
import dev.corral.spec.SpecObject;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The seeds' names ({@code session_abc123}, {@code pdf_extractor}) as Corral's object names, and
 * back. A name that is already a DNS label stays itself. Any other is lower-cased, each run of
 * characters a label cannot hold becomes one {@code -}, and a six-hex-digit hash of the whole
 * original is appended, so two seed names never meet in one object name ({@code a_b} is
 * {@code a-b-<hash>}, {@code a-b} stays {@code a-b}). The original is kept on the object as the
 * {@link #ANNOTATION} annotation, and every reply shows it: the seeds' clients keep their ids.
 */
public final class SeedNames {

    /** Where an object keeps the seed's own name for it. */
    public static final String ANNOTATION = "corral.dev/seed-name";
    /** Where an object in a session keeps the seed's own name for its session. */
    public static final String SESSION_ANNOTATION = "corral.dev/seed-session";

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final int MAX_LABEL = 63;
    private static final int HASH_CHARS = 6;
    /** Longest seed name taken (the annotation's value): far above any id the seeds make. */
    public static final int MAX_SEED_NAME = 253;

    private SeedNames() {
    }

    /** Whether {@code name} is an object name as it is. */
    public static boolean isObjectName(String name) {
        return name.length() <= MAX_LABEL && DNS_LABEL.matcher(name).matches();
    }

    /** The object name for a seed's name (not null, 1 to {@link #MAX_SEED_NAME} characters). */
    public static String toObjectName(String seedName) {
        if (isObjectName(seedName)) {
            return seedName;
        }
        String cleaned = seedName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        String hash = SpecHash.of(seedName).substring(0, HASH_CHARS);
        int room = MAX_LABEL - HASH_CHARS - 1;
        if (cleaned.length() > room) {
            cleaned = cleaned.substring(0, room).replaceAll("-+$", "");
        }
        return cleaned.isEmpty() ? "x-" + hash : cleaned + "-" + hash;
    }

    /** The annotations that keep {@code seedName} on its object: none when the names are the same. */
    public static Map<String, String> annotations(String seedName) {
        return isObjectName(seedName) ? Map.of() : Map.of(ANNOTATION, seedName);
    }

    /** The seed's name for an object: its annotation, else its own name. */
    public static String seedName(SpecObject o) {
        String kept = o.metadata().annotations() == null ? null : o.metadata().annotations().get(ANNOTATION);
        return kept != null ? kept : o.metadata().name();
    }
}
