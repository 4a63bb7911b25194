package dev.corral.loop;

import dev.corral.runtime.ContainerDetails;
import dev.corral.runtime.ObservedContainer;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How each container's latest run went, as the engine's event stream told it: when it started, whether
 * the kernel's OOM killer struck, and its exit code and time from the {@code die} event. Why: a relic
 * that died is restarted from what its reconcile knows of that run (the exit code and OOM for the
 * restart policy and the message, the run's times for the crash backoff), and an inspect of a container
 * the engine is still tearing down waits for it (~20–30 ms of a ~200 ms self-heal). Only a run whose
 * start and end were both seen here counts; anything else (a run begun before Corral started, an event
 * missed while the stream was down) is left to an inspect, whose answer is then kept for that run.
 */
public final class LastRuns {

    private record Run(Instant startedAt, boolean oomKilled, Long exitCode, Instant finishedAt, String error) {
    }

    private final Map<String, Run> runs = new ConcurrentHashMap<>();

    void started(String id, Instant at) {
        runs.put(id, new Run(at, false, null, null, null));
    }

    /** The OOM killer struck; its event may come just after the {@code die} (the engine hears of both apart). */
    void oomKilled(String id) {
        runs.computeIfPresent(id, (k, r) -> new Run(r.startedAt(), true, r.exitCode(), r.finishedAt(), r.error()));
    }

    /** A run ended; without an exit code (an engine that sends none) what was seen is dropped. */
    void died(String id, String exitCode, Instant at) {
        Long code = parse(exitCode);
        if (code == null) {
            runs.remove(id);
            return;
        }
        runs.computeIfPresent(id, (k, r) -> r.finishedAt() == null ? new Run(r.startedAt(), r.oomKilled(), code, at, null) : r);
    }

    /** Forgets what was seen of a container: before Corral starts it again (a start that fails emits no event). */
    public void forget(String id) {
        runs.remove(id);
    }

    /**
     * The stream had a gap: a run seen starting may have ended unseen. A run seen ended stays: its next
     * start is Corral's own (which forgets it first) or comes with an event.
     */
    void forgetUnfinished() {
        runs.values().removeIf(r -> r.finishedAt() == null);
    }

    /**
     * Keeps what an inspect said of an ended run, so that every later look at that run reads the same
     * times: the crash count tells runs apart by their start time, and the engine stamps a start event
     * a moment after the start time an inspect shows. Returns {@code d}.
     */
    public ContainerDetails learned(ContainerDetails d) {
        if (!d.running() && d.startedAt() != null && d.finishedAt() != null) {
            runs.put(d.id(), new Run(d.startedAt(), d.oomKilled(), d.exitCode(), d.finishedAt(), d.error()));
        }
        return d;
    }

    void retain(Set<String> ids) {
        runs.keySet().retainAll(ids);
    }

    /** How {@code c}'s latest run ended, as an inspect would say it; empty unless both its start and end were seen. */
    public Optional<ContainerDetails> ended(ObservedContainer c) {
        Run r = runs.get(c.id());
        if (r == null || r.finishedAt() == null) {
            return Optional.empty();
        }
        return Optional.of(new ContainerDetails(c.id(), c.name(), c.labels(), false, r.exitCode(), r.oomKilled(), r.error(),
                r.startedAt(), r.finishedAt(), Map.of()));
    }

    private static Long parse(String s) {
        try {
            return s == null ? null : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
