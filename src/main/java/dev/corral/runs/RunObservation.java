package dev.corral.runs;

import dev.corral.runtime.ContainerDetails;
import dev.corral.runtime.ObservedContainer;

import java.time.Instant;
import java.util.List;

/**
 * What the {@link RunPlanner} knows of one run. The first six fields come from the store and
 * the picture, at no cost. The others are facts that cost an engine call or take a reservation:
 * null until the planner asks for them ({@link RunStep.Observe}), so they are gathered only when a
 * decision depends on them, in the order it does.
 *
 * @param deleted       the run is gone from the store
 * @param status        its status, typed ({@link RunStatus#NONE} when it has none)
 * @param cancel        a cancel was asked for ({@code corral.dev/cancel})
 * @param keepContainer its spec's {@code keepContainer}: a finished run's container stays until the run is deleted
 * @param owned         its containers in the picture (a claimed warm one too), in name order
 * @param unseenClaims  warm containers claimed for it that the picture does not show
 * @param slot          null: not asked yet
 * @param setup         null: not asked yet
 * @param warm          null: not asked yet
 * @param engine        null: not asked yet
 * @param input         null: not asked yet (known without asking once this process gave it)
 */
public record RunObservation(boolean deleted, RunStatus status, boolean cancel, boolean keepContainer, List<ObservedContainer> owned,
                             List<String> unseenClaims, Instant now, Slot slot, Setup setup, WarmClaim warm,
                             Inspection engine, Input input) {

    public enum Slot { FREE, FULL }

    /** What reading the run's Tool and making its image present came to. */
    public sealed interface Setup {
        record Ready(RunContainers.RunSetup setup) implements Setup {
        }

        /**
         * @param retryable the image's failure when pulling it later may help; null when no retry can
         */
        record Refused(String message, Throwable retryable) implements Setup {
        }
    }

    /** @param containerId the claimed idle container; null when none was free */
    public record WarmClaim(String containerId) {
    }

    /** @param details null when the engine has no such container */
    public record Inspection(ContainerDetails details) {
    }

    /**
     * Whether a claimed warm container has its run's input. TAKEN: given by this process, which sees its output;
     * STARTED: it took its input (or could not say: never risk giving it twice), and as nobody sees its report it
     * is asked again every few seconds; AWAITED: it waits for its input; REPORTED: its run reported, and it waits
     * to be removed.
     */
    public enum Input { TAKEN, STARTED, AWAITED, REPORTED }

    public static RunObservation of(boolean deleted, RunStatus status, boolean cancel, List<ObservedContainer> owned,
                                    List<String> unseenClaims, Instant now) {
        return of(deleted, status, cancel, false, owned, unseenClaims, now);
    }

    public static RunObservation of(boolean deleted, RunStatus status, boolean cancel, boolean keepContainer,
                                    List<ObservedContainer> owned, List<String> unseenClaims, Instant now) {
        return new RunObservation(deleted, status, cancel, keepContainer, List.copyOf(owned), List.copyOf(unseenClaims), now, null,
                null, null, null, null);
    }

    /** The run's container: the first it owns, or null. */
    public ObservedContainer container() {
        return owned.isEmpty() ? null : owned.get(0);
    }

    public RunObservation with(Slot s) {
        return new RunObservation(deleted, status, cancel, keepContainer, owned, unseenClaims, now, s, setup, warm, engine, input);
    }

    public RunObservation with(Setup s) {
        return new RunObservation(deleted, status, cancel, keepContainer, owned, unseenClaims, now, slot, s, warm, engine, input);
    }

    public RunObservation with(WarmClaim w) {
        return new RunObservation(deleted, status, cancel, keepContainer, owned, unseenClaims, now, slot, setup, w, engine, input);
    }

    public RunObservation with(Inspection i) {
        return new RunObservation(deleted, status, cancel, keepContainer, owned, unseenClaims, now, slot, setup, warm, i, input);
    }

    public RunObservation with(Input i) {
        return new RunObservation(deleted, status, cancel, keepContainer, owned, unseenClaims, now, slot, setup, warm, engine, i);
    }
}
