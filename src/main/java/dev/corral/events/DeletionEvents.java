package dev.corral.events;

import dev.corral.store.SpecStore;
import dev.corral.store.StoreEvent;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * A {@code Deleted} event for every object that leaves the store, whoever deleted it (the API, a
 * Session's cascade, a TTL, a specs file's prune): the store's listener is the one place that sees
 * them all, with the object's uid. Recording is an in-memory insert, so it costs the writing thread
 * no more than the loop's own enqueue.
 */
@Startup
@ApplicationScoped
public class DeletionEvents {

    @Inject
    SpecStore store;

    @Inject
    EventRecorder events;

    @PostConstruct
    void listen() {
        store.addListener(this::onEvent);
    }

    void onEvent(StoreEvent e) {
        if (e.type() == StoreEvent.Type.DELETED) {
            events.normal(e.key(), e.object().metadata().uid(), "Deleted", e.key().describe() + " was deleted");
        }
    }
}
