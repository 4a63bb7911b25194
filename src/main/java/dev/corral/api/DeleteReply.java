package dev.corral.api;

import java.util.List;

/** The reply to a DELETE: every object removed, the named one first, then those scoped to a deleted Session. */
public record DeleteReply(List<Deleted> deleted) {

    public record Deleted(String kind, String name, String session, long resourceVersion) {
    }
}
