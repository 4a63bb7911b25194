package dev.corral.gitops;

import dev.corral.spec.schema.FieldError;
import dev.corral.store.ConflictException;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each source ({@code api}, {@code file:<path>}) last tried and how it went, including
 * conflicts: when two sources claim one object, the claim is reported on the claimant (its
 * apply failed) and on the owner (someone else wants its object).
 */
@ApplicationScoped
public class SourceRegistry {

    /** The last apply of a file: its content hash, when it was applied, and what went wrong, if anything. */
    public record FileState(String hash, Instant appliedAt, Instant attemptedAt, List<FieldError> errors,
                            boolean conflicted) {
    }

    private final Map<String, FileState> files = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> claimsAgainst = new ConcurrentHashMap<>();

    public FileState file(String source) {
        return files.get(source);
    }

    public Map<String, FileState> files() {
        return Map.copyOf(files);
    }

    void applied(String source, String hash, Instant at) {
        files.put(source, new FileState(hash, at, at, List.of(), false));
        clearClaimsBy(source);
        // Claimants still declaring this file's objects record their claim again on their next try.
        claimsAgainst.remove(source);
    }

    void failed(String source, String hash, Instant at, List<FieldError> errors, boolean conflicted) {
        FileState prev = files.get(source);
        files.put(source, new FileState(hash, prev == null ? null : prev.appliedAt(), at, List.copyOf(errors), conflicted));
    }

    void removed(String source) {
        files.remove(source);
        clearClaimsBy(source);
        claimsAgainst.remove(source);
    }

    /** Records, on each owner, that another source tried to claim one of its objects. */
    public void clashes(List<ConflictException.Clash> clashes) {
        for (ConflictException.Clash c : clashes) {
            claimsAgainst.computeIfAbsent(c.owner(), k -> new ConcurrentHashMap<>())
                    .put(c.claimant() + " " + c.key(), c.key().describe() + " is also declared by " + c.claimant()
                            + "; " + c.owner() + " keeps it");
        }
    }

    /** Claims made against {@code owner}'s objects that are still standing. */
    public List<String> claimsAgainst(String owner) {
        return new ArrayList<>(claimsAgainst.getOrDefault(owner, Map.of()).values());
    }

    /** A source's claims end when it applies cleanly, stops existing, or (for the API) is told no. */
    private void clearClaimsBy(String claimant) {
        claimsAgainst.values().forEach(m -> m.keySet().removeIf(k -> k.startsWith(claimant + " ")));
    }

    public List<String> owners() {
        return new ArrayList<>(claimsAgainst.keySet());
    }
}
