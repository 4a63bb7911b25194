package dev.corral.runtime;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;

import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;

/** The engine's event stream and ping, for {@link DockerRuntime}. */
final class DockerEvents {

    private final DockerCalls calls;
    private final DockerClient client;
    private final DockerClient eventsClient;

    DockerEvents(DockerCalls calls) {
        this.calls = calls;
        this.client = calls.client();
        this.eventsClient = calls.eventsClient();
    }

    public void ping() {
        calls.call("ping", () -> client.pingCmd().exec());
    }

    public EngineIdentity identity() {
        var v = calls.call("version", () -> client.versionCmd().exec());
        var components = v.getComponents() == null ? java.util.List.<String>of()
                : v.getComponents().stream().map(c -> c.getName()).toList();
        return EngineIdentity.of(components, v.getVersion());
    }

    public AutoCloseable events(Consumer<RuntimeEvent> onEvent, Consumer<Throwable> onClosed) {
        // Two streams, because filters of different keys are ANDed: containers by our labels, and network
        // attach/detach/destroy (whose events carry no labels), which the caller filters by name and container.
        java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        Consumer<Throwable> once = t -> {
            if (closed.compareAndSet(false, true)) {
                onClosed.accept(t);
            }
        };
        var containers = eventsClient.eventsCmd().withLabelFilter(Labels.MANAGED_FILTER, Labels.INSTANCE + "=" + calls.instance())
                .withEventTypeFilter("container").exec(callback(onEvent, once));
        var networks = eventsClient.eventsCmd().withEventTypeFilter("network")
                .withEventFilter("connect", "disconnect", "destroy").exec(callback(onEvent, once));
        // exec returns before the engine has registered the subscription; the caller's next step is a full
        // list, and an event between that list and the registration would be lost until the next resync
        // (seen: a relic killed just as a new leader started stayed dead for 25 s). The engine answers the
        // request's headers once subscribed, which is when onStart runs.
        try {
            awaitStarted(containers);
            awaitStarted(networks);
        } catch (EngineException e) {
            closed.set(true);
            closeQuietly(containers);
            closeQuietly(networks);
            throw e;
        }
        return () -> {
            closed.set(true);
            containers.close();
            networks.close();
        };
    }

    private static void awaitStarted(ResultCallback.Adapter<Event> stream) {
        try {
            if (!stream.awaitStarted(5, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new EngineException(0, "the engine did not open its event stream within 5 s", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(0, "interrupted while opening the engine's event stream", e);
        }
    }

    private static void closeQuietly(ResultCallback.Adapter<Event> stream) {
        try {
            stream.close();
        } catch (java.io.IOException e) {
            // closing a stream that never opened: nothing to do
        }
    }

    private static ResultCallback.Adapter<Event> callback(Consumer<RuntimeEvent> onEvent, Consumer<Throwable> onClosed) {
        return new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Event e) {
                var actor = e.getActor();
                Map<String, String> attrs = actor == null || actor.getAttributes() == null ? Map.of() : actor.getAttributes();
                Instant at = e.getTimeNano() != null ? Instant.ofEpochSecond(0, e.getTimeNano())
                        : e.getTime() != null ? Instant.ofEpochSecond(e.getTime()) : Instant.now();
                onEvent.accept(new RuntimeEvent(e.getType() == null ? "" : e.getType().getValue(),
                        e.getAction() == null ? e.getStatus() : e.getAction(), actor == null ? e.getId() : actor.getId(), attrs,
                        at));
            }

            @Override
            public void onError(Throwable t) {
                super.onError(t);
                onClosed.accept(t);
            }

            @Override
            public void onComplete() {
                super.onComplete();
                onClosed.accept(null);
            }
        };
    }
}
