package dev.corral.containers;

import dev.corral.spec.model.Phase;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a reconcile will do: stages run in order, the actions inside one stage are independent
 * and run in parallel. Also says what the object is while and after the plan runs ({@code phase},
 * {@code message}) and when to look again ({@code requeueAfter}, null: only when something
 * changes). {@link #toString()} is stable: golden tests compare it.
 */
public record Plan(List<List<PlannedAction>> stages, Phase phase, String message, Duration requeueAfter,
                   boolean restart) {

    public static Builder builder() {
        return new Builder();
    }

    public boolean isEmpty() {
        return stages.isEmpty();
    }

    public List<PlannedAction> actions() {
        return stages.stream().flatMap(List::stream).toList();
    }

    /** The plan makes a new container: its crash history and probes start over. */
    public boolean recreates() {
        return actions().stream().anyMatch(a -> a instanceof PlannedAction.CreateContainer);
    }

    /** The plan deletes the object itself (an expired Session): there is no status left to write. */
    public boolean deletesObject() {
        return actions().stream().anyMatch(a -> a instanceof PlannedAction.ExpireSession);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < stages.size(); i++) {
            for (PlannedAction a : stages.get(i)) {
                sb.append('#').append(i + 1).append(' ').append(a.describe()).append('\n');
            }
        }
        sb.append("=> ").append(phase);
        if (message != null) {
            sb.append(" (").append(message).append(')');
        }
        if (requeueAfter != null) {
            sb.append(", again in ").append(requeueAfter.toMillis()).append(" ms");
        }
        return sb.toString();
    }

    public static final class Builder {
        private final List<List<PlannedAction>> stages = new ArrayList<>();
        private Phase phase;
        private String message;
        private Duration requeueAfter;
        private boolean restart;

        /** Adds a stage of independent actions; an empty one is dropped. */
        public Builder stage(List<PlannedAction> actions) {
            if (!actions.isEmpty()) {
                stages.add(List.copyOf(actions));
            }
            return this;
        }

        public Builder then(PlannedAction action) {
            return stage(List.of(action));
        }

        public Builder phase(Phase phase, String message) {
            this.phase = phase;
            this.message = message;
            return this;
        }

        public Builder requeueAfter(Duration d) {
            this.requeueAfter = d;
            return this;
        }

        /** Marks the plan as restarting a container that ended: counted in {@code status.restarts}. */
        public Builder restart() {
            this.restart = true;
            return this;
        }

        public Plan build() {
            return new Plan(List.copyOf(stages), phase, message, requeueAfter, restart);
        }
    }
}
