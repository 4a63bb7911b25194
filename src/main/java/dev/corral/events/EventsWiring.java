package dev.corral.events;

import dev.corral.config.CorralConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;

/** The one {@link EventRecorder}, sized by {@code corral.events.max}. */
@ApplicationScoped
public class EventsWiring {

    @Produces
    @Singleton
    EventRecorder recorder(CorralConfig config, Clock clock) {
        return new EventRecorder(config.events().max(), clock);
    }
}
