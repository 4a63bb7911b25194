package dev.corral.runtime;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;

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
        return () -> {
            closed.set(true);
            containers.close();
            networks.close();
        };
    }

    private static ResultCallback.Adapter<Event> callback(Consumer<RuntimeEvent> onEvent, Consumer<Throwable> onClosed) {
        return new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Event e) {
                var actor = e.getActor();
                Map<String, String> attrs = actor == null || actor.getAttributes() == null ? Map.of() : actor.getAttributes();
                onEvent.accept(new RuntimeEvent(e.getType() == null ? "" : e.getType().getValue(),
                        e.getAction() == null ? e.getStatus() : e.getAction(), actor == null ? e.getId() : actor.getId(), attrs));
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
