package dev.corral.store;

import dev.corral.support.CorralProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kill -9} of the packaged application in the middle of a stream of applies: after a
 * restart every acknowledged object is there, at least at the generation that was
 * acknowledged, and the store loads. Three rounds on one data directory, so recovery also
 * recovers from a recovered store.
 */
class CrashRecoveryIT {

    private static final Pattern GENERATION = Pattern.compile("\"generation\":(\\d+)");

    @TempDir
    Path tmp;

    @Test
    void everyAcknowledgedWriteSurvivesKill9() throws Exception {
        Path data = tmp.resolve("data");
        // Small compactions, so kills also land during snapshot writes.
        String[] settings = {"-Dcorral.store.compact-min-bytes=65536"};
        Map<String, Integer> acknowledged = new ConcurrentHashMap<>();
        for (int round = 0; round < 3; round++) {
            CorralProcess corral = CorralProcess.start(data, settings);
            verify(corral, acknowledged);
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch enough = new CountDownLatch(4 * 60);
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int writer = w;
                int r = round;
                Thread t = new Thread(() -> write(corral, r, writer, stop, enough, acknowledged));
                t.start();
                writers.add(t);
            }
            assertTrue(enough.await(60, TimeUnit.SECONDS), "writers made progress");
            corral.kill();
            stop.set(true);
            for (Thread t : writers) {
                t.join(30_000);
            }
        }
        try (CorralProcess corral = CorralProcess.start(data, settings)) {
            verify(corral, acknowledged);
            assertTrue(acknowledged.size() > 200, "enough writes were acknowledged: " + acknowledged.size());
        }
    }

    /** Applies single objects and batches, re-applying some so generations grow, until stopped or killed. */
    private static void write(CorralProcess corral, int round, int writer, AtomicBoolean stop, CountDownLatch progress,
                              Map<String, Integer> acknowledged) {
        for (int i = 0; !stop.get(); i++) {
            String name = "r" + round + "-w" + writer + "-" + (i % 40);
            StringBuilder yaml = new StringBuilder(tool(name, i));
            int batch = i % 10 == 0 ? 20 : 0;
            for (int b = 0; b < batch; b++) {
                yaml.append("---\n").append(tool(name + "-b" + b, i));
            }
            try {
                HttpResponse<String> r = corral.putYaml(yaml.toString());
                if (r.statusCode() != 200) {
                    throw new AssertionError("apply failed: " + r.statusCode() + " " + r.body());
                }
                Matcher m = GENERATION.matcher(r.body());
                m.find();
                acknowledged.merge(name, Integer.parseInt(m.group(1)), Math::max);
                for (int b = 0; b < batch; b++) {
                    m.find();
                    acknowledged.merge(name + "-b" + b, Integer.parseInt(m.group(1)), Math::max);
                }
                progress.countDown();
            } catch (java.io.IOException e) {
                return; // killed: whatever was not acknowledged may or may not be there
            }
        }
    }

    private static String tool(String name, int version) {
        return "apiVersion: corral.dev/v1\nkind: Tool\nmetadata: {name: %s}\nspec: {image: \"corral/busybox:v%d\"}\n"
                .formatted(name, version);
    }

    private static void verify(CorralProcess corral, Map<String, Integer> acknowledged) throws Exception {
        HttpResponse<String> r = corral.get("/specs?kind=tool");
        assertEquals(200, r.statusCode());
        Map<String, Integer> stored = new java.util.HashMap<>();
        for (var item : dev.corral.spec.Json.MAPPER.readTree(r.body()).get("items")) {
            stored.put(item.at("/metadata/name").asText(), item.at("/metadata/generation").asInt());
        }
        for (Map.Entry<String, Integer> e : acknowledged.entrySet()) {
            Integer generation = stored.get(e.getKey());
            assertTrue(generation != null, e.getKey() + " was acknowledged and must exist");
            assertTrue(generation >= e.getValue(),
                    e.getKey() + " was acknowledged at generation " + e.getValue() + " but is at " + generation);
        }
    }
}
