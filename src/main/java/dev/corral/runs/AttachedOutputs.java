package dev.corral.runs;

import dev.corral.runtime.StreamedOutput;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The output of the warm runs this process gave their input to, by container id, until collected. */
final class AttachedOutputs {

    /** The die event and the stream's end come within moments of each other. */
    private static final Duration STREAM_END_WAIT = Duration.ofSeconds(2);

    private final Map<String, CompletableFuture<StreamedOutput>> streamed = new ConcurrentHashMap<>();

    void put(String id, CompletableFuture<StreamedOutput> output) {
        streamed.put(id, output);
    }

    /**
     * The output streamed while attached, once the stream has ended (it ends with the exit); null
     * after a restart or on any trouble, and the logs are read instead.
     */
    StreamedOutput ended(String id) {
        CompletableFuture<StreamedOutput> f = streamed.get(id);
        if (f == null) {
            return null;
        }
        try {
            return f.get(STREAM_END_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
    }

    /** Lets go of a warm run's attachment (closing it if it is still open). */
    void stop(String id) {
        CompletableFuture<StreamedOutput> f = streamed.remove(id);
        if (f != null) {
            f.cancel(false);
        }
    }

    /** Whether this process sees the output of {@code id}: attached, and not ended without the launcher's report. */
    boolean watching(String id) {
        CompletableFuture<StreamedOutput> f = streamed.get(id);
        return f != null && (!f.isDone() || reported(id));
    }

    /** Whether the stream of {@code id} has ended with the launcher's report. */
    boolean reported(String id) {
        CompletableFuture<StreamedOutput> f = streamed.get(id);
        return f != null && f.isDone() && !f.isCompletedExceptionally() && reported(f.join());
    }

    /** Whether the launcher's report came: a stream that ends without it (a dropped connection) proves nothing. */
    static boolean reported(StreamedOutput o) {
        return Launcher.report(o.logs().stderrTruncated() ? Launcher.lastLine(o.stderrTail()) : o.logs().stderr())
                .present();
    }
}
