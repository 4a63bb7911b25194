package dev.corral.admission;

import dev.corral.spec.SpecObject;
import dev.corral.spec.schema.FieldError;
import dev.corral.store.ApplyOptions;
import dev.corral.store.ConflictException;
import dev.corral.store.Refusal;

import java.util.Optional;

/**
 * Each object has one source, the API or one specs file, and only that source changes it: a
 * clash is reported to both. A specs file may take over an object that moved to it from another
 * file ({@link ApplyOptions#adopt}), and only the file declaring an object may delete it.
 */
final class SourceOwnership {

    private SourceOwnership() {
    }

    static Optional<Refusal> checkWriter(SpecObject current, ApplyOptions options) {
        String owner = current.metadata().source();
        if (options.source().equals(owner) || options.adopt().contains(current.key())) {
            return Optional.empty();
        }
        return Optional.of(Refusal.clash(new FieldError(null, "metadata.name", current.key().describe()
                        + " is managed by " + owner + ", not " + options.source()
                        + "; change it there (or delete it there first)"),
                new ConflictException.Clash(current.key(), owner, options.source())));
    }

    static Optional<Refusal> checkDelete(SpecObject target, String source) {
        String owner = target.metadata().source();
        if (source.equals(owner) || owner == null || !owner.startsWith(ApplyOptions.FILE_PREFIX)) {
            return Optional.empty();
        }
        return Optional.of(Refusal.conflict(new FieldError(null, "metadata.source", target.key().describe()
                + " is managed by " + owner + "; remove it from that file instead")));
    }
}
