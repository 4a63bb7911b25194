package dev.corral.runs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.config.CorralConfig;
import dev.corral.runtime.ImageDefaults;
import dev.corral.spec.HostPaths;
import dev.corral.spec.Json;
import dev.corral.spec.Kind;
import dev.corral.spec.Metadata;
import dev.corral.spec.SpecObject;
import dev.corral.spec.SpecValidator;
import dev.corral.spec.model.ToolRunSpec;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** Runs, Tools and settings for the engine-free tests of the runs package. */
public final class RunFixtures {

    static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
    static final ImageDefaults RUNNER_IMAGE = new ImageDefaults("sha256:runner", List.of(), List.of());

    private RunFixtures() {
    }

    public static ObjectNode json(String text) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A ToolRun as the API stores it: validated and defaulted. */
    public static SpecObject run(String name, String spec) {
        return validated(Kind.ToolRun, name, spec);
    }

    /** A Tool as the API stores it: validated and defaulted (resources, timeout, TTL, network, pull policy). */
    public static SpecObject tool(String name, String spec) {
        return validated(Kind.Tool, name, spec);
    }

    private static SpecObject validated(Kind kind, String name, String spec) {
        ObjectNode doc = json("{\"apiVersion\": \"" + SpecObject.API_VERSION + "\", \"kind\": \"" + kind.name()
                + "\", \"metadata\": {\"name\": \"" + name + "\"}, \"spec\": " + spec + "}");
        return new SpecValidator(new HostPaths(List.of())).validateAll(List.of(doc)).get(0);
    }

    /** A stored run: a uid and a generation, as the store gives them. */
    static SpecObject stored(SpecObject run, ObjectNode status) {
        Metadata m = run.metadata();
        return new SpecObject(run.apiVersion(), run.kind(), new Metadata(m.name(), m.session(), m.labels(),
                m.annotations(), "uid-" + m.name(), 1L, 1L, null, null, null), run.spec(), status);
    }

    /** The container setup of a language run, as the observer makes it. */
    static RunContainers.RunSetup setup(SpecObject run, CorralConfig.Runs cfg) {
        return RunContainers.setup(stored(run, null), ToolRunSpec.of(run.spec()), null, RUNNER_IMAGE, cfg);
    }

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        Instant now;

        TestClock(Instant start) {
            now = start;
        }

        void advanceSeconds(long s) {
            now = now.plusSeconds(s);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** Corral's run settings with a warm pool of {@code bashPool} for bash runs. */
    public static CorralConfig.Runs config(int bashPool, int maxConcurrent) {
        return config(bashPool, bashPool, maxConcurrent);
    }

    /** Corral's run settings with a bash pool of {@code bashPool} that grows up to {@code bashMax}. */
    static CorralConfig.Runs config(int bashPool, int bashMax, int maxConcurrent) {
        return new CorralConfig.Runs() {
            public OptionalInt maxConcurrent() {
                return OptionalInt.of(maxConcurrent);
            }

            public int maxQueued() {
                return 10;
            }

            public long outputCapBytes() {
                return 1 << 20;
            }

            public long filesCapBytes() {
                return 10 << 20;
            }

            public String bashImage() {
                return "corral/runner-bash:latest";
            }

            public String pythonImage() {
                return "corral/runner-python:latest";
            }

            public String nodeImage() {
                return "corral/runner-node:latest";
            }

            public int bashPoolSize() {
                return bashPool;
            }

            public int pythonPoolSize() {
                return 0;
            }

            public int nodePoolSize() {
                return 0;
            }

            public Optional<Integer> bashPoolMax() {
                return Optional.of(bashMax);
            }

            public Optional<Integer> pythonPoolMax() {
                return Optional.empty();
            }

            public Optional<Integer> nodePoolMax() {
                return Optional.empty();
            }

            public Duration poolShrinkAfter() {
                return WarmPools.DEFAULT_SHRINK_AFTER;
            }

            public int defaultTimeoutSeconds() {
                return 60;
            }

            public int workspaceStock() {
                return 4;
            }

            public Duration removalDelayMax() {
                return Duration.ofSeconds(10);
            }
        };
    }
}
