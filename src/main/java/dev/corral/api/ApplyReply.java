package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.spec.SpecObject;
import dev.corral.store.Change;

import java.util.List;

/**
 * The reply to {@code PUT /specs}: what happened to each object, in request order; with
 * {@code wait=true}, also each object's outcome ({@code Ready}, {@code Failed}, {@code Stopped},
 * {@code Deleted} or {@code TimedOut}) and final status; with {@code dryRun=true}, the objects as they would be stored.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApplyReply(boolean dryRun, List<Change> items, Boolean timedOut, List<Outcome> results,
                         List<SpecObject> objects) {

    public ApplyReply(boolean dryRun, List<Change> items, Boolean timedOut, List<Outcome> results) {
        this(dryRun, items, timedOut, results, null);
    }

    /**
     * A dry run's reply also carries each object as it would be stored, in export form (defaults filled in),
     * in request order: what {@code corral diff} compares with what is stored.
     */
    public static ApplyReply dryRun(List<Change> items, List<SpecObject> objects) {
        return new ApplyReply(true, items, null, null, objects.stream().map(SpecObject::exported).toList());
    }

    public static ApplyReply applied(List<Change> items) {
        return new ApplyReply(false, items, null, null, null);
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Outcome(String kind, String name, String session, String outcome, ObjectNode status) {
    }
}
