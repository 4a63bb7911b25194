package dev.corral.runtime;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.LogContainerCmd;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;

import java.util.function.Consumer;

/**
 * Reads a container's log as lines ({@link ContainerRuntime#readLogs}). Always with the engine's
 * timestamps, so that {@link LogWindow} can cut the times exactly and a caller can resume
 * after the last line it saw. The read runs on docker-java's stream thread; closing the handle
 * closes the engine connection.
 */
final class DockerLogs {

    private final DockerClient client;

    DockerLogs(DockerCalls calls) {
        this.client = calls.eventsClient(); // no read timeout: a followed log may be silent for hours
    }

    AutoCloseable read(String id, LogRequest request, Consumer<LogLine> onLine, Consumer<Throwable> onEnd) {
        LogContainerCmd cmd = client.logContainerCmd(id).withStdOut(true).withStdErr(true)
                .withFollowStream(request.follow()).withTimestamps(true);
        if (request.tail() != null && !LogWindow.tailHere(request)) {
            cmd.withTail(request.tail());
        }
        if (request.since() != null) {
            cmd.withSince(LogWindow.engineSince(request));
        }
        if (request.until() != null) {
            cmd.withUntil(LogWindow.engineUntil(request));
        }
        LogWindow window = new LogWindow(request);
        return cmd.exec(new ResultCallback.Adapter<Frame>() {
            @Override
            public void onNext(Frame f) {
                String stream = f.getStreamType() == StreamType.STDERR ? "stderr" : "stdout";
                for (LogLine line : LogLine.parse(stream, DockerCalls.utf8(f.getPayload()))) {
                    window.offer(line, onLine);
                }
            }

            @Override
            public void onComplete() {
                super.onComplete();
                calledBack();
                window.finish(onLine);
                onEnd.accept(null);
            }

            @Override
            public void onError(Throwable t) {
                super.onError(t);
                calledBack();
                onEnd.accept(t);
            }

            /**
             * super.onComplete/onError closes the stream, and docker-java's close interrupts the stream's
             * thread, which is this one: cleared, so that {@code onEnd} may call the engine (inspect the
             * container, read on) instead of failing at once with a CancellationException.
             */
            private void calledBack() {
                Thread.interrupted();
            }
        });
    }
}
