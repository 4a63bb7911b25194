package dev.corral.spec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.spec.schema.FieldError;
import dev.corral.store.ApplyOptions;
import dev.corral.store.FileSpecStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the API or a specs file acknowledges is exactly what the store reads back: every value
 * at a limit is accepted and survives a reopen of the store; every value past one is refused,
 * by the YAML and the JSON path alike, with its field path.
 */
class JsonLimitsTest {

    @TempDir
    Path dir;

    private final SpecValidator validator = new SpecValidator(new HostPaths(List.of()));

    private static final String RUN_YAML = "apiVersion: corral.dev/v1\nkind: ToolRun\nmetadata: {name: p}\n"
            + "spec: {tool: t, parameters: %s}\n";
    private static final String RUN_JSON = "{\"apiVersion\": \"corral.dev/v1\", \"kind\": \"ToolRun\", \"metadata\": {\"name\": \"p\"},"
            + " \"spec\": {\"tool\": \"t\", \"parameters\": %s}}";

    private List<SpecObject> yaml(String parameters) {
        return validator.validateAll(SpecParser.parse(RUN_YAML.formatted(parameters).getBytes(StandardCharsets.UTF_8),
                SpecParser.Format.YAML));
    }

    private List<SpecObject> json(String parameters) {
        return validator.validateAll(SpecParser.parse(RUN_JSON.formatted(parameters).getBytes(StandardCharsets.UTF_8),
                SpecParser.Format.JSON));
    }

    private FieldError refusedYaml(String parameters) {
        return assertThrows(InvalidSpecException.class, () -> yaml(parameters)).errors().get(0);
    }

    private FieldError refusedJson(String parameters) {
        return assertThrows(InvalidSpecException.class, () -> json(parameters)).errors().get(0);
    }

    @Test
    void aNumberPastTheLimitIsRefusedByYamlAsByJson() {
        String d65 = "1".repeat(65);
        FieldError y = refusedYaml("{n: " + d65 + "}");
        assertEquals("spec.parameters.n", y.path());
        assertTrue(y.message().contains("65 characters"), y.message());
        FieldError j = refusedJson("{\"n\": " + d65 + "}");
        assertTrue(j.message().contains("a number of 65 characters"), j.message());
        assertTrue(!j.message().contains("StreamReadConstraints") && !j.message().contains("fasterxml"), j.message());
    }

    @Test
    void loneSurrogatesAreRefusedInKeysAndValues() {
        FieldError key = refusedYaml("{\"\\udfff\": 1}");
        assertTrue(key.message().contains("lone surrogate"), key.message());
        assertEquals("spec.parameters[\"\\udfff\"]", key.path());
        FieldError value = refusedJson("{\"k\": \"a\\ud800\"}");
        assertEquals("spec.parameters.k", value.path());
        assertTrue(value.message().contains("lone surrogate"), value.message());
        // A proper pair is fine.
        assertEquals("\uD83D\uDE00", json("{\"k\": \"\\ud83d\\ude00\"}").get(0).spec().at("/parameters/k").textValue());
    }

    @Test
    void everyValueAtTheLimitsRoundTripsThroughTheStore() throws Exception {
        String d64 = "9".repeat(64);
        StringBuilder deep = new StringBuilder();
        // parameters is at depth 3 of the document (root, spec, parameters): nest up to depth 64 in all.
        int levels = JsonLimits.MAX_DEPTH - 3;
        deep.append("{\"x\": ".repeat(levels)).append("1").append("}".repeat(levels));
        List<SpecObject> fromYaml = yaml("{n: " + d64 + ", m: -" + "9".repeat(63) + ", f: 1.7976931348623157e308, "
                + "s: \"\\U0001F600 \\x00 \\uFFFE\", \"\\U0001F600\": k}");
        List<SpecObject> fromJson = validator.validateAll(SpecParser.parse(
                RUN_JSON.replace("\"p\"", "\"q\"").formatted(deep).getBytes(StandardCharsets.UTF_8), SpecParser.Format.JSON));
        try (FileSpecStore s = FileSpecStore.open(dir, Clock.systemUTC(), Long.MAX_VALUE / 4)) {
            s.apply(fromYaml, ApplyOptions.api(false));
            s.apply(fromJson, ApplyOptions.api(false));
        }
        try (FileSpecStore s = FileSpecStore.open(dir, Clock.systemUTC(), Long.MAX_VALUE / 4)) {
            assertTrue(Json.sameValue(fromYaml.get(0).spec(), s.get(fromYaml.get(0).key()).orElseThrow().spec()));
            assertTrue(Json.sameValue(fromJson.get(0).spec(), s.get(fromJson.get(0).key()).orElseThrow().spec()));
            s.compact();
        }
        try (FileSpecStore s = FileSpecStore.open(dir, Clock.systemUTC(), Long.MAX_VALUE / 4)) {
            JsonNode p = s.get(fromYaml.get(0).key()).orElseThrow().spec().get("parameters");
            assertEquals(d64, p.get("n").bigIntegerValue().toString());
            assertEquals("\uD83D\uDE00 \u0000 \uFFFE", p.get("s").textValue());
            assertTrue(Json.sameValue(fromJson.get(0).spec(), s.get(fromJson.get(0).key()).orElseThrow().spec()));
        }
    }

    @Test
    void theStoreItselfRefusesWhatItCouldNotReadBack() throws Exception {
        SpecObject ok = yaml("{n: 1}").get(0);
        var spec = ok.spec().deepCopy();
        spec.with("parameters").put("n", new java.math.BigInteger("1".repeat(65)));
        SpecObject bad = new SpecObject(ok.apiVersion(), ok.kind(), ok.metadata(), spec, ok.status());
        try (FileSpecStore s = FileSpecStore.open(dir, Clock.systemUTC(), Long.MAX_VALUE / 4)) {
            InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> s.apply(List.of(bad), ApplyOptions.api(false)));
            assertEquals("spec.parameters.n", e.errors().get(0).path());
            assertEquals(0, s.size());
        }
    }

    @Test
    void aStatusWithLoneSurrogatesIsRepairedNotRefused() throws Exception {
        SpecObject run = yaml("{n: 1}").get(0);
        try (FileSpecStore s = FileSpecStore.open(dir, Clock.systemUTC(), Long.MAX_VALUE / 4)) {
            s.apply(List.of(run), ApplyOptions.api(false));
            var status = Json.MAPPER.createObjectNode().put("stdout", "cut \uD83D");
            s.updateStatus(run.key(), status);
        }
        try (FileSpecStore s = FileSpecStore.open(dir, Clock.systemUTC(), Long.MAX_VALUE / 4)) {
            assertEquals("cut \\ud83d", s.get(run.key()).orElseThrow().status().get("stdout").textValue());
        }
    }

    @Test
    void yamlTagsThatBuildOtherTypesAreRefused() {
        for (String tagged : new String[]{"!!omap [{a: 1}]", "!!set {a}", "!!binary aGVsbG8=", "!!pairs [{a: 1}]",
                "!!timestamp 2001-12-14"}) {
            assertThrows(InvalidSpecException.class, () -> yaml("{v: " + tagged + "}"), tagged);
        }
    }
}
