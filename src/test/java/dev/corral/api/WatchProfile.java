package dev.corral.api;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/**
 * The watch API tests' application: no reconcile loop (no Docker), a store of its own, a short
 * history (so a version can fall out of it), a small buffer per watch (so a client that does not
 * read falls behind it) and few streams per client (so the cap is reached).
 */
public class WatchProfile implements QuarkusTestProfile {

    static final int HISTORY = 40;
    static final int STREAMS_PER_CLIENT = 4;
    static final int BUFFER = 16;

    // A system property: Quarkus loads test classes in more than one class loader, which must agree.
    static final Path DATA = Path.of((String) System.getProperties().computeIfAbsent("corraltest.watch.data",
            k -> "target/corral-watch-data-" + UUID.randomUUID()));

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "corral.reconcile.enabled", "false",
                "corral.instance", "watch",
                "corral.data-dir", DATA.toString(),
                "corral.watch.history", Integer.toString(HISTORY),
                "corral.watch.buffer", Integer.toString(BUFFER),
                "corral.api.max-streams-per-client", Integer.toString(STREAMS_PER_CLIENT));
    }
}
