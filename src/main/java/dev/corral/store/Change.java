package dev.corral.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.corral.spec.SpecObject;

/** One line of an apply's reply: which object, what happened, and its versions afterwards. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Change(String kind, String name, String session, Action action, long generation, long resourceVersion) {

    static Change of(SpecObject o, Action action) {
        return new Change(o.kind().name(), o.metadata().name(), o.metadata().session(), action,
                o.metadata().generation() == null ? 0 : o.metadata().generation(), o.resourceVersion());
    }
}
