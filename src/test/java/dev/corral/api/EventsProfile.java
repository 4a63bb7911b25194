package dev.corral.api;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/** The events API's application: no engine (the reconcile loop off), a store and an instance name of its own. */
public class EventsProfile implements QuarkusTestProfile {

    // A system property, not a static field alone: Quarkus loads test classes in more than one class loader.
    static final Path DATA = Path.of((String) System.getProperties()
            .computeIfAbsent("corraltest.events.data", k -> "target/corral-events-data-" + UUID.randomUUID()));

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "corral.reconcile.enabled", "false",
                "corral.instance", "events-test",
                "corral.data-dir", DATA.toString(),
                "corral.events.max", "200",
                "corral.api.max-streams-per-client", "4");
    }
}
