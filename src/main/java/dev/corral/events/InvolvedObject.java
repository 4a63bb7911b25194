package dev.corral.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.corral.spec.ObjectKey;

import java.util.Objects;

/**
 * The object an event is about, as Kubernetes' {@code involvedObject}: its kind, session (for
 * session-scoped objects), name and uid. The uid tells apart an object deleted and re-created under
 * the same name; it is null when the recorder did not know it (an object already gone).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"kind", "session", "name", "uid"})
public record InvolvedObject(String kind, String session, String name, String uid) {

    public static InvolvedObject of(ObjectKey key, String uid) {
        return new InvolvedObject(key.kind().name(), key.session(), key.name(), uid);
    }

    /** Whether this is (an incarnation of) the object of that key, whatever its uid. */
    public boolean is(ObjectKey key) {
        return key.kind().name().equals(kind) && Objects.equals(key.session(), session) && key.name().equals(name);
    }
}
