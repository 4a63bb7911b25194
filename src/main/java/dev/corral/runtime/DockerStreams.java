package dev.corral.runtime;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;

import java.io.Closeable;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The streaming calls of {@link DockerRuntime}: logs so far, the stderr tail, followed logs and attaching
 * to a container's stdin. Long-lived streams use the client without a read timeout.
 */
final class DockerStreams {

    private final DockerCalls calls;
    private final DockerClient client;
    private final DockerClient eventsClient;

    DockerStreams(DockerCalls calls) {
        this.calls = calls;
        this.client = calls.client();
        this.eventsClient = calls.eventsClient();
    }

    public Logs logs(String id, long maxBytes) {
        return calls.call("logs", () -> {
            CappedOutput output = new CappedOutput(maxBytes);
            try {
                client.logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(false)
                        .exec(new ResultCallback.Adapter<Frame>() {
                            @Override
                            public void onNext(Frame f) {
                                output.add(f);
                            }
                        }).awaitCompletion(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return output.logs();
        });
    }

    public java.util.concurrent.CompletableFuture<StreamedOutput> attach(String id, byte[] stdin, long maxBytes,
                                                                         Duration sendTimeout, OutputEnd end) {
        java.util.concurrent.CompletableFuture<StreamedOutput> ended = new java.util.concurrent.CompletableFuture<>();
        calls.call("attach", () -> {
            java.util.concurrent.CountDownLatch sent = new java.util.concurrent.CountDownLatch(1);
            Throwable[] failure = new Throwable[1];
            java.io.InputStream in = new java.io.ByteArrayInputStream(stdin) {
                @Override
                public synchronized int read(byte[] b, int off, int len) {
                    int n = super.read(b, off, len);
                    if (n < 0) {
                        sent.countDown();
                    }
                    return n;
                }
            };
            CappedOutput output = new CappedOutput(maxBytes);
            // After stdin is sent the client half-closes it; the engine goes on streaming output until the exit.
            Closeable[] opened = new Closeable[1];
            var handle = eventsClient.attachContainerCmd(id).withStdIn(in).withStdOut(true).withStdErr(true).withFollowStream(true)
                    .exec(new ResultCallback.Adapter<Frame>() {
                        @Override
                        public void onNext(Frame f) {
                            output.add(f);
                            if (!ended.isDone() && output.complete(end)) {
                                // All written: answered now, the connection closed (the container is exiting).
                                ended.complete(new StreamedOutput(output.logs(), output.stderrTail()));
                                sent.countDown(); // it took its input: the sender need not wait for the stdin copy
                                DockerCalls.closeQuietly(opened[0]);
                            }
                        }

                        @Override
                        public void onError(Throwable t) {
                            if (ended.isDone()) {
                                sent.countDown(); // the connection closed by us once the output was complete
                                return;
                            }
                            failure[0] = t;
                            sent.countDown();
                            ended.completeExceptionally(t);
                        }

                        @Override
                        public void onComplete() {
                            ended.complete(new StreamedOutput(output.logs(), output.stderrTail()));
                        }
                    });
            opened[0] = handle;
            if (ended.isDone()) {
                DockerCalls.closeQuietly(handle); // complete before the handle was known
            }
            // Cancelling the future (its run collected or given up) closes the connection, if still open.
            ended.whenComplete((o, t) -> {
                if (ended.isCancelled()) {
                    DockerCalls.closeQuietly(handle);
                }
            });
            try {
                if (!sent.await(sendTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    // Closed, so that a late delivery cannot follow a second attempt's.
                    DockerCalls.closeQuietly(handle);
                    throw new IllegalStateException("attaching to " + id + " did not finish within " + sendTimeout);
                }
            } catch (InterruptedException e) {
                DockerCalls.closeQuietly(handle);
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while attaching to " + id, e);
            }
            if (failure[0] instanceof RuntimeException r) {
                throw r;
            }
            if (failure[0] != null) {
                throw new IllegalStateException(failure[0]);
            }
            return null;
        });
        return ended;
    }

    /** See {@link ContainerRuntime#attachOutput}. */
    public java.util.concurrent.CompletableFuture<StreamedOutput> attachOutput(String id, long maxBytes, OutputEnd end) {
        java.util.concurrent.CompletableFuture<StreamedOutput> ended = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CountDownLatch attached = new java.util.concurrent.CountDownLatch(1);
        CappedOutput output = new CappedOutput(maxBytes);
        Closeable[] opened = new Closeable[1];
        try {
            // Without logs=true: with it the engine replays the log and then streams, and a line written in between
            // came twice (seen: "hi\nhi\n" in 1 of 600 runs). As `docker run` does: attached, then started.
            var handle = calls.call("attach", () -> eventsClient.attachContainerCmd(id).withStdOut(true).withStdErr(true)
                    .withFollowStream(true).exec(new ResultCallback.Adapter<Frame>() {
                        @Override
                        public void onStart(Closeable stream) {
                            super.onStart(stream);
                            attached.countDown();
                        }

                        @Override
                        public void onNext(Frame f) {
                            output.add(f);
                            if (!ended.isDone() && output.complete(end)) {
                                ended.complete(new StreamedOutput(output.logs(), output.stderrTail()));
                                DockerCalls.closeQuietly(opened[0]);
                            }
                        }

                        @Override
                        public void onError(Throwable t) {
                            attached.countDown();
                            ended.completeExceptionally(t);
                        }

                        @Override
                        public void onComplete() {
                            attached.countDown();
                            ended.complete(new StreamedOutput(output.logs(), output.stderrTail()));
                        }
                    }));
            opened[0] = handle;
            if (!attached.await(ATTACH_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                ended.completeExceptionally(new IllegalStateException("attaching to " + id + " took over " + ATTACH_WAIT));
            }
            if (ended.isDone()) {
                DockerCalls.closeQuietly(handle);
            }
            ended.whenComplete((o, t) -> {
                if (ended.isCancelled() || t != null) {
                    DockerCalls.closeQuietly(handle);
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ended.completeExceptionally(e);
            DockerCalls.closeQuietly(opened[0]);
        } catch (RuntimeException e) {
            ended.completeExceptionally(e);
        }
        return ended;
    }

    /** How long an attachment may take to be established before the container is started without it. */
    private static final Duration ATTACH_WAIT = Duration.ofSeconds(5);

    public String stderrTail(String id, int lines) {
        return calls.call("logs", () -> {
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            try {
                client.logContainerCmd(id).withStdOut(false).withStdErr(true).withTail(lines)
                        .exec(new ResultCallback.Adapter<Frame>() {
                            @Override
                            public void onNext(Frame f) {
                                err.writeBytes(f.getPayload());
                            }
                        }).awaitCompletion(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return DockerCalls.utf8(err.toByteArray());
        });
    }

    public AutoCloseable followLogs(String id, boolean timestamps, java.util.function.BiConsumer<String, String> onLine,
                                    Runnable onEnd) {
        return eventsClient.logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true)
                .withTimestamps(timestamps).exec(new ResultCallback.Adapter<Frame>() {
                    @Override
                    public void onNext(Frame f) {
                        onLine.accept(f.getStreamType() == com.github.dockerjava.api.model.StreamType.STDERR
                                ? "stderr" : "stdout", DockerCalls.utf8(f.getPayload()));
                    }

                    @Override
                    public void onComplete() {
                        super.onComplete();
                        onEnd.run();
                    }

                    @Override
                    public void onError(Throwable t) {
                        super.onError(t);
                        onEnd.run();
                    }
                });
    }
}
