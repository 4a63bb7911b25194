package dev.corral.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.runs.Launcher;
import dev.corral.runtime.ContainerRuntime;
import dev.corral.spec.Json;
import dev.corral.spec.SpecObject;
import dev.corral.spec.model.RunPhase;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * One followed run log, as server-sent events: it waits (without a thread) for the run's
 * container, then relays the engine's log stream until the run ends or the client goes away,
 * whichever is first; either way the engine stream, the wait and the stream permit are let go.
 * When the engine's stream ends, what the run's captured output holds beyond what was relayed is sent
 * before {@code end}: an engine may end a log stream before its last lines (Podman does when the
 * container is removed right after the run, as warm runs' are; its stderr also lags its stdout).
 */
final class LogFollow {

    private final SseEventSink sink;
    private final Sse sse;
    private final boolean timestamps;
    private final StreamLimits.Permit permit;
    private volatile CompletableFuture<?> waiting;
    private volatile AutoCloseable engineStream;
    private volatile boolean stopped;
    /** Set by the first sign that the output is complete (the report, or the stream's end): one end is sent. */
    private final java.util.concurrent.atomic.AtomicBoolean ending = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean sawEnd;
    private volatile boolean sawReport;
    private final Supplier<CompletableFuture<SpecObject>> finished;
    private long sentStdout;
    private long sentStderr;

    /** @param finished the run once it has finished (or null if it was deleted), for the remainder of its output */
    LogFollow(SseEventSink sink, Sse sse, boolean timestamps, StreamLimits.Permit permit,
              Supplier<CompletableFuture<SpecObject>> finished) {
        this.sink = sink;
        this.sse = sse;
        this.timestamps = timestamps;
        this.permit = permit;
        this.finished = finished;
        permit.onClientGone(this::stop);
    }

    /** Follows once {@code started} gives the run with its container (or finished, or null if deleted). */
    void after(CompletableFuture<SpecObject> started, java.util.function.Function<SpecObject, ContainerRuntime> engineOf) {
        waiting = started;
        started.thenAccept(run -> {
            if (stopped) {
                return;
            }
            ObjectNode status = run == null || run.status() == null ? Json.MAPPER.createObjectNode() : run.status();
            String containerId = status.path("containerId").asText(null);
            if (run == null || containerId == null || RunPhase.finishedIn(status)) {
                sendCaptured(sink, sse, status);
                stop();
                return;
            }
            try {
                engineStream = engineOf.apply(run).followLogs(containerId, timestamps, this::line, this::ended);
            } catch (RuntimeException e) {
                send("end", "the engine refused the log stream: " + e.getMessage());
                stop();
                return;
            }
            if (stopped) {
                EngineStream.closeQuietly(engineStream); // stopped while the stream was being opened
            }
        });
    }

    /** The captured output of a run that has finished (or not started), then {@code end}. */
    static void sendCaptured(SseEventSink sink, Sse sse, ObjectNode status) {
        if (sink.isClosed()) {
            return;
        }
        sink.send(sse.newEventBuilder().name("stdout").data(status.path("stdout").asText("")).build());
        sink.send(sse.newEventBuilder().name("stderr").data(status.path("stderr").asText("")).build());
        sink.send(sse.newEventBuilder().name("end").data(RunPhase.jsonOrPending(status)).build());
    }

    private void line(String stream, String text) {
        // The launcher's closing marks (the report, the end of stdout) are Corral's, not the run's output.
        int mark = text.indexOf(Launcher.REPORT_MARK);
        if (stream.equals("stdout") && Launcher.withoutEndLine(text).length() < text.length()) {
            sawEnd = true;
        }
        String shown = mark < 0 ? text : timestamps ? "" : text.substring(0, mark);
        shown = Launcher.withoutEndLine(shown);
        if (!shown.isEmpty()) {
            synchronized (this) {
                if (stream.equals("stderr")) {
                    sentStderr += shown.length();
                } else {
                    sentStdout += shown.length();
                }
            }
            send(stream, shown);
        }
        if (mark >= 0 && stream.equals("stderr")) {
            sawReport = true;
        }
        if (sawEnd && sawReport) {
            // Both streams carried the launcher's last marks: the output is complete. A warm launcher then waits
            // to be removed, and the engine's stream with it: not waited for.
            ended();
        }
    }

    private void ended() {
        if (stopped || !ending.compareAndSet(false, true)) {
            return;
        }
        CompletableFuture<SpecObject> done = finished.get();
        waiting = done;
        done.whenComplete((run, failure) -> {
            if (run != null && run.status() != null && RunPhase.finishedIn(run.status()) && !timestamps) {
                sendRemainder("stdout", run.status().path("stdout").asText(""), sentStdout);
                sendRemainder("stderr", run.status().path("stderr").asText(""), sentStderr);
            }
            send("end", "exited");
            stop();
        });
    }

    /** The captured text beyond what was relayed (nothing when the relayed went further, past the capture's cap). */
    private synchronized void sendRemainder(String stream, String captured, long sent) {
        if (captured.length() > sent) {
            send(stream, captured.substring((int) sent));
        }
    }

    private void send(String name, String data) {
        if (!stopped && !sink.isClosed()) {
            sink.send(sse.newEventBuilder().name(name).data(data).build());
        }
    }

    /** Lets everything go; safe to call more than once and from any thread. */
    void stop() {
        stopped = true;
        CompletableFuture<?> w = waiting;
        if (w != null) {
            w.cancel(false);
        }
        EngineStream.closeQuietly(engineStream);
        if (!sink.isClosed()) {
            sink.close();
        }
        permit.close();
    }
}
