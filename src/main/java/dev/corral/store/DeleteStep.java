package dev.corral.store;

import dev.corral.spec.ObjectKey;
import dev.corral.spec.SpecObject;
import dev.corral.spec.schema.FieldError;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Works out one delete under the write lock: the named object, then what the hook cascades to. */
final class DeleteStep {

    private DeleteStep() {
    }

    /**
     * @return the deleted objects at their deletion's resourceVersion, the named one first
     * @throws NotFoundException, {@link ConflictException} on a stale precondition, or the hook's refusal
     */
    static List<SpecObject> plan(ObjectKey key, Long expectedResourceVersion, String source, StoreReader objects,
                                 WriteHook hook, Step step) {
        SpecObject cur = objects.get(key).orElseThrow(() -> new NotFoundException(key));
        FieldError stale = Preconditions.stale(expectedResourceVersion, cur);
        if (stale != null) {
            throw new ConflictException(List.of(stale));
        }
        hook.checkDelete(cur, source).ifPresent(r -> {
            throw r.toException();
        });
        Map<ObjectKey, SpecObject> victims = new LinkedHashMap<>();
        victims.put(key, cur);
        hook.cascade(List.of(cur), objects).forEach(o -> victims.putIfAbsent(o.key(), o));
        List<SpecObject> deleted = new ArrayList<>();
        victims.values().forEach(v -> deleted.add(step.delete(v)));
        return deleted;
    }
}
