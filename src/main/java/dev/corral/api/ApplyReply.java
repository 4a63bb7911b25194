package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.store.Change;

import java.util.List;

/**
 * The reply to {@code PUT /specs}: what happened to each object, in request order; with
 * {@code wait=true}, also each object's outcome ({@code Ready}, {@code Failed}, {@code Stopped},
 * {@code Deleted} or {@code TimedOut}) and final status.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApplyReply(boolean dryRun, List<Change> items, Boolean timedOut, List<Outcome> results) {

    public ApplyReply(boolean dryRun, List<Change> items) {
        this(dryRun, items, null, null);
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Outcome(String kind, String name, String session, String outcome, ObjectNode status) {
    }
}
