package dev.corral.runs;

import dev.corral.spec.ObjectKey;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.EnumMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Where a run's time goes, from marks Corral takes itself as the run passes through it: received
 * by the API, admitted (parsed, validated, checked against policy and the queue), picked by the
 * reconcile loop, given to its container (warm: its input written to the waiting launcher; cold:
 * its container created and started), reported (warm: the launcher's report read; cold: its exit
 * seen), collected (its result built, about to be recorded), and answered. Each stage is the time
 * between two marks, published as {@code corral_run_stage_seconds{stage}} and, to a client that
 * waited for the run, as a {@code Server-Timing} header. Stages may overlap: the loop may pick a run
 * while its creation is still being synced, so a negative stage counts as zero.
 *
 * <p>Kept in memory only, per run until it is answered (or, for a run nobody waits for, collected);
 * at most {@link #MAX_TRACKED} runs at once, beyond which new runs go unmeasured.
 */
public final class RunTimings {

    static final int MAX_TRACKED = 10_000;

    /** 0.1 ms (a queue hand-off) … 10 s (a cold start on a busy engine); longer runs land in +Inf. */
    private static final java.time.Duration[] BUCKETS = java.util.stream.DoubleStream
            .of(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 10_000)
            .mapToObj(ms -> java.time.Duration.ofNanos((long) (ms * 1_000_000))).toArray(java.time.Duration[]::new);

    /** The marks, in the order a run passes them. */
    public enum Mark { RECEIVED, ADMITTED, PICKED, GIVEN, REPORTED, COLLECTED, ANSWERED }

    /** The stage that ends at each mark after the first. */
    private static final Map<Mark, String> STAGE_ENDING_AT = new EnumMap<>(Map.of(
            Mark.ADMITTED, "admission",
            Mark.PICKED, "queue",
            Mark.GIVEN, "handOver",
            Mark.REPORTED, "command",
            Mark.COLLECTED, "collect",
            Mark.ANSWERED, "record"));

    private final Map<ObjectKey, Tracked> runs = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final MeterRegistry registry;

    private static final class Tracked {
        final long[] at = new long[Mark.values().length];
        final boolean awaited;

        Tracked(boolean awaited) {
            this.awaited = awaited;
        }
    }

    public RunTimings(MeterRegistry registry) {
        this.registry = registry;
        STAGE_ENDING_AT.values().forEach(this::timer);
    }

    /** A run built by the API: received at {@code receivedNanos}, admitted now (a run of that name already tracked is left alone). */
    public void admitted(ObjectKey key, long receivedNanos, boolean awaited) {
        if (runs.size() >= MAX_TRACKED) {
            return;
        }
        Tracked t = new Tracked(awaited);
        t.at[Mark.RECEIVED.ordinal()] = receivedNanos;
        t.at[Mark.ADMITTED.ordinal()] = System.nanoTime();
        runs.putIfAbsent(key, t);
    }

    /** Takes a mark once (the first time counts); a run that did not come through the API is tracked from here. */
    void mark(ObjectKey key, Mark mark) {
        Tracked t = runs.get(key);
        if (t == null) {
            if (runs.size() >= MAX_TRACKED) {
                return;
            }
            t = runs.computeIfAbsent(key, k -> new Tracked(false));
        }
        synchronized (t) {
            if (t.at[mark.ordinal()] == 0) {
                t.at[mark.ordinal()] = System.nanoTime();
            }
        }
        if (mark == Mark.COLLECTED && !t.awaited) {
            runs.remove(key);
            record(t);
        }
    }

    /**
     * The run was answered to the client that waited for it: its stages are published and
     * returned as a {@code Server-Timing} value (null if it was not measured).
     */
    public String answered(ObjectKey key) {
        Tracked t = runs.remove(key);
        if (t == null) {
            return null;
        }
        synchronized (t) {
            t.at[Mark.ANSWERED.ordinal()] = System.nanoTime();
        }
        return record(t);
    }

    /** Forgets a run whose waiting client went away or timed out. */
    public void forget(ObjectKey key) {
        runs.remove(key);
    }

    private String record(Tracked t) {
        StringJoiner header = new StringJoiner(", ");
        long[] at;
        synchronized (t) {
            at = t.at.clone();
        }
        long total = 0;
        long previous = 0;
        for (Mark m : Mark.values()) {
            long now = at[m.ordinal()];
            if (now == 0) {
                continue; // not passed (a run that failed before its container, or came from a file)
            }
            if (previous != 0 && STAGE_ENDING_AT.containsKey(m)) {
                long nanos = Math.max(0, now - previous);
                total += nanos;
                timer(STAGE_ENDING_AT.get(m)).record(nanos, TimeUnit.NANOSECONDS);
                header.add(STAGE_ENDING_AT.get(m) + ";dur=" + millis(nanos));
            }
            previous = now;
        }
        header.add("total;dur=" + millis(total));
        return header.toString();
    }

    private static String millis(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.2f", nanos / 1e6);
    }

    private Timer timer(String stage) {
        return timers.computeIfAbsent(stage, s -> Timer.builder("corral_run_stage_seconds")
                .description("Where runs' time goes, stage by stage (see RunTimings): admission, queue, handOver, "
                        + "command, collect, record (the final write and the answer)")
                .tag("stage", s)
                .serviceLevelObjectives(BUCKETS)
                .register(registry));
    }
}
