package dev.corral.api;

import java.util.List;

/** The reply to a DELETE: every object removed, the named one first, then those scoped to a deleted Session. */
public record DeleteReply(List<Deleted> deleted) {

    static DeleteReply of(List<dev.corral.spec.SpecObject> objects) {
        return new DeleteReply(objects.stream().map(o -> new Deleted(o.kind().name(), o.metadata().name(),
                o.metadata().session(), o.resourceVersion())).toList());
    }

    public record Deleted(String kind, String name, String session, long resourceVersion) {
    }
}
