package dev.corral.admission;

import dev.corral.spec.SpecObject;
import dev.corral.store.ApplyOptions;
import dev.corral.store.Refusal;
import dev.corral.store.StoreReader;
import dev.corral.store.WriteHook;

import java.util.List;
import java.util.Optional;

/**
 * The domain's rules on writes, which the store applies atomically with each apply and delete:
 * {@link SourceOwnership}, {@link ToolRunImmutability} and the {@link SessionCascade}.
 */
public final class WriteRules implements WriteHook {

    @Override
    public Optional<Refusal> checkWriter(SpecObject current, ApplyOptions options) {
        return SourceOwnership.checkWriter(current, options);
    }

    @Override
    public Optional<Refusal> checkChange(SpecObject current, SpecObject proposed) {
        return ToolRunImmutability.checkChange(current, proposed);
    }

    @Override
    public Optional<Refusal> checkDelete(SpecObject target, String source) {
        return SourceOwnership.checkDelete(target, source);
    }

    @Override
    public List<SpecObject> cascade(List<SpecObject> deleted, StoreReader objects) {
        return SessionCascade.of(deleted, objects);
    }
}
