package dev.corral.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.spec.Json;
import dev.corral.spec.Kind;
import dev.corral.spec.Metadata;
import dev.corral.spec.SpecObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Shared helpers for the plain (non-Quarkus) store tests. */
final class StoreFixtures {

    /** No size-based compaction in tests that do not want it. */
    static final long NO_COMPACTION = Long.MAX_VALUE / 4;

    private StoreFixtures() {
    }

    /** A clock the test moves by hand, with sub-millisecond precision so timestamps must round-trip exactly. */
    static final class MutableClock extends Clock {
        private volatile Instant now = Instant.parse("2025-03-01T10:00:00.123456789Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    static ObjectNode json(String text) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(text.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static SpecObject obj(Kind kind, String session, String name, String spec) {
        return obj(kind, session, name, spec, Map.of(), null);
    }

    static SpecObject obj(Kind kind, String session, String name, String spec, Map<String, String> labels,
                          Long resourceVersion) {
        return new SpecObject(SpecObject.API_VERSION, kind,
                Metadata.declared(name, session, labels, Map.of(), resourceVersion), json(spec), null);
    }

    static SpecObject tool(String name, String image) {
        return obj(Kind.Tool, null, name, "{'image':'" + image + "','timeoutSeconds':60,'resources':{'cpus':0.5,'memoryMb':256}}");
    }

    static SpecObject relic(String session, String name, String image) {
        return obj(Kind.Relic, session, name, "{'image':'" + image + "'}");
    }

    static SpecObject session(String name) {
        return obj(Kind.Session, null, name, "{'network':{'internal':true}}");
    }

    static SpecObject toolRun(String session, String name, String code) {
        return obj(Kind.ToolRun, session, name, "{'language':'bash','code':'" + code + "'}");
    }

    /** The same object as a client would re-send it after a GET: stored metadata kept, resourceVersion as precondition. */
    static SpecObject asRead(SpecObject stored, ObjectNode newSpec) {
        return new SpecObject(stored.apiVersion(), stored.kind(), stored.metadata(), newSpec, null);
    }

    static List<Change> applyApi(SpecStore store, SpecObject... objects) {
        return store.apply(List.of(objects), ApplyOptions.api(false));
    }

    static long dirSize(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
