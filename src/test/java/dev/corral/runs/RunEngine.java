package dev.corral.runs;

import dev.corral.runtime.ExecResult;
import dev.corral.runtime.Logs;
import dev.corral.runtime.StreamedOutput;
import dev.corral.testing.FakeRuntime;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The fake engine, with what run containers write and answer set by the test (the calls are still recorded). */
class RunEngine extends FakeRuntime {

    /** A container's output by its name; none: empty. */
    final Map<String, Logs> output = new HashMap<>();
    /** Answers to commands run in containers; none: exit 0, no output. */
    final Map<List<String>, ExecResult> answers = new HashMap<>();

    /** What each attach returned, by container name: the test completes it as the container's exit. */
    final Map<String, CompletableFuture<StreamedOutput>> attached = new HashMap<>();

    @Override
    public synchronized CompletableFuture<StreamedOutput> attach(String id, byte[] stdin, long maxBytes,
                                                                 Duration sendTimeout) {
        CompletableFuture<StreamedOutput> f = super.attach(id, stdin, maxBytes, sendTimeout);
        container(id).ifPresent(c -> attached.put(c.request.name(), f));
        return f;
    }

    /** Output a cold container's attachment completes with while the engine starts it (a quick command), by name. */
    final Map<String, StreamedOutput> reportedDuringStart = new HashMap<>();
    private final Map<String, CompletableFuture<StreamedOutput>> outputs = new HashMap<>();

    @Override
    public synchronized CompletableFuture<StreamedOutput> attachOutput(String id, long maxBytes,
                                                                       dev.corral.runtime.OutputEnd end) {
        String name = container(id).map(c -> c.request.name()).orElse(id);
        if (!reportedDuringStart.containsKey(name)) {
            return super.attachOutput(id, maxBytes, end);
        }
        CompletableFuture<StreamedOutput> f = new CompletableFuture<>();
        outputs.put(name, f);
        return f;
    }

    @Override
    public synchronized void startContainer(String id) {
        super.startContainer(id);
        container(id).map(c -> outputs.remove(c.request.name()))
                .ifPresent(f -> f.complete(reportedDuringStart.get(container(id).orElseThrow().request.name())));
    }

    /** Creates refused because the container whose volumes they take does not exist, by name. */
    final List<String> refusedCreates = new java.util.ArrayList<>();

    /** As the engine: a container taking another's volumes names one that exists. */
    @Override
    public synchronized String createContainer(dev.corral.runtime.ContainerRequest request) {
        String from = request.hardening() == null ? null : request.hardening().workspaceFrom();
        if (from != null && container(from).isEmpty()) {
            refusedCreates.add(request.name());
            throw new dev.corral.runtime.EngineException(404, "No such container: " + from, null);
        }
        return super.createContainer(request);
    }

    @Override
    public synchronized Logs logs(String id, long maxBytes) {
        Logs recorded = super.logs(id, maxBytes);
        return container(id).map(c -> output.get(c.request.name())).orElse(recorded);
    }

    @Override
    public synchronized ExecResult exec(String id, List<String> command, Duration timeout) {
        ExecResult recorded = super.exec(id, command, timeout);
        return answers.getOrDefault(command, recorded);
    }
}
