package dev.corral.api;

import dev.corral.store.Change;

import java.util.List;

/** The reply to {@code PUT /specs}: what happened to each object, in request order. */
public record ApplyReply(boolean dryRun, List<Change> items) {
}
