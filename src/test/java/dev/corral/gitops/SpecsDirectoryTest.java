package dev.corral.gitops;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

/**
 * The watched specs directory, through the real watcher: files added, edited, removed, broken,
 * and in conflict with the API. The periodic rescan is set to an hour so that only
 * file-system events can make these tests pass.
 */
@QuarkusTest
@TestProfile(SpecsDirectoryTest.Profile.class)
class SpecsDirectoryTest {

    // A system property, not a static field alone: Quarkus loads this class in more than one class loader,
    // and all of them must agree on the directory.
    static final Path DIR = Path.of((String) System.getProperties()
            .computeIfAbsent("corraltest.specs-dir", k -> "target/corral-test-specs-" + UUID.randomUUID()));

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Files.createDirectories(DIR.resolve("nested"));
                // Present before start-up: applied before Corral reports ready.
                Files.writeString(DIR.resolve("initial.yaml"), tool("initial", "v1"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return Map.of(
                    "corral.specs-dir", DIR.toString(),
                    "corral.data-dir", "target/corral-test-data-" + UUID.randomUUID(),
                    "corral.specs.debounce", "100ms",
                    "corral.specs.rescan-interval", "1h",
                    "corral.reconcile.enabled", "false",
                    "corral.instance", "gitopstest");
        }
    }

    static String tool(String name, String tag) {
        return "apiVersion: corral.dev/v1\nkind: Tool\nmetadata: {name: %s}\nspec: {image: corral/busybox:%s}\n"
                .formatted(name, tag);
    }

    @BeforeEach
    void setUp() {
        dev.corral.support.Rest.configure();
    }

    private static void awaitAsserted(Runnable r) {
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).untilAsserted(r::run);
    }

    @Test
    void filesPresentAtStartAreAppliedBeforeReady() {
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/specs/tool/initial").then().statusCode(200)
                .body("metadata.source", equalTo("file:initial.yaml"))
                .body("spec.image", equalTo("corral/busybox:v1"));
    }

    @Test
    void addEditAndRemoveAFile() throws IOException {
        Path file = DIR.resolve("nested/tools.yaml");
        Files.writeString(file, tool("alpha", "v1") + "---\n" + tool("beta", "v1"));
        awaitAsserted(() -> given().get("/specs/tool/beta").then().statusCode(200)
                .body("metadata.source", equalTo("file:nested/tools.yaml")));

        // Edited: alpha changes, beta is dropped (pruned), gamma appears.
        Files.writeString(file, tool("alpha", "v2") + "---\n" + tool("gamma", "v1"));
        awaitAsserted(() -> {
            given().get("/specs/tool/alpha").then().body("spec.image", equalTo("corral/busybox:v2"))
                    .body("metadata.generation", equalTo(2));
            given().get("/specs/tool/beta").then().statusCode(404);
            given().get("/specs/tool/gamma").then().statusCode(200);
        });

        Files.delete(file);
        awaitAsserted(() -> {
            given().get("/specs/tool/alpha").then().statusCode(404);
            given().get("/specs/tool/gamma").then().statusCode(404);
            given().get("/sources").then().body("items.source", not(hasItem("file:nested/tools.yaml")));
        });
        given().get("/specs/tool/initial").then().statusCode(200);
        // Each prune is an event on the object that says which file let it go, after the store's Deleted.
        given().get("/specs/tool/beta/events").then().statusCode(200)
                .body("items.reason", equalTo(List.of("Deleted", "Pruned")))
                .body("items[1].message", equalTo("pruned: file:nested/tools.yaml no longer declares it"));
        given().get("/specs/tool/gamma/events").then().statusCode(200)
                .body("items.reason", equalTo(List.of("Deleted", "Pruned")))
                .body("items[1].message", equalTo("pruned: file:nested/tools.yaml is gone"));
    }

    @Test
    void aBrokenFileChangesNothingAndIsReported() throws IOException {
        Path file = DIR.resolve("broken.yml");
        Files.writeString(file, tool("keeper", "v1"));
        awaitAsserted(() -> given().get("/specs/tool/keeper").then().statusCode(200));

        Files.writeString(file, tool("keeper", "v2") + "---\n" + tool("Bad_Name", "v1"));
        awaitAsserted(() -> given().get("/sources").then()
                .body("items.find { it.source == 'file:broken.yml' }.errors[0].path", equalTo("metadata.name"))
                .body("items.find { it.source == 'file:broken.yml' }.errors[0].document", equalTo(1)));
        given().get("/specs/tool/keeper").then().statusCode(200).body("spec.image", equalTo("corral/busybox:v1"));
        given().get("/q/metrics").then().body(containsString("corral_specs_dir_applies_total{result=\"failed\"}"));

        Files.writeString(file, "{ this is: [not yaml");
        awaitAsserted(() -> given().get("/sources").then()
                .body("items.find { it.source == 'file:broken.yml' }.errors[0].message", containsString("YAML")));
        given().get("/specs/tool/keeper").then().statusCode(200);

        Files.writeString(file, tool("keeper", "v3"));
        awaitAsserted(() -> given().get("/specs/tool/keeper").then().body("spec.image", equalTo("corral/busybox:v3")));
        given().get("/sources").then().body("items.find { it.source == 'file:broken.yml' }.errors", hasSize(0));
    }

    @Test
    void anObjectClaimedByTheApiAndAFileStaysWithItsFirstOwner() throws IOException {
        given().contentType("application/yaml").body(tool("shared", "api")).put("/specs").then().statusCode(200);

        Path file = DIR.resolve("claims.json");
        Files.writeString(file, """
                [{"apiVersion": "corral.dev/v1", "kind": "Tool", "metadata": {"name": "shared"},
                  "spec": {"image": "corral/busybox:file"}},
                 {"apiVersion": "corral.dev/v1", "kind": "Tool", "metadata": {"name": "claims-other"},
                  "spec": {"image": "corral/busybox:file"}}]
                """);
        awaitAsserted(() -> given().get("/sources").then()
                .body("items.find { it.source == 'file:claims.json' }.errors[0].message", containsString("managed by api"))
                .body("items.find { it.source == 'api' }.conflicts[0]", containsString("file:claims.json")));
        // The file is applied all or nothing, and the API keeps its object.
        given().get("/specs/tool/shared").then().body("spec.image", equalTo("corral/busybox:api"))
                .body("metadata.source", equalTo("api"));
        given().get("/specs/tool/claims-other").then().statusCode(404);

        // The other way round: the API cannot take or delete a file's object.
        given().contentType("application/yaml").body(tool("initial", "api")).put("/specs").then().statusCode(409)
                .body("details[0].message", containsString("file:initial.yaml"));
        given().delete("/specs/tool/initial").then().statusCode(409);
        awaitAsserted(() -> given().get("/sources").then()
                .body("items.find { it.source == 'file:initial.yaml' }.conflicts[0]", containsString("api")));

        // Once the API lets go, the file's next attempt takes the object.
        given().delete("/specs/tool/shared").then().statusCode(200);
        Files.writeString(file, Files.readString(file) + "\n");
        awaitAsserted(() -> given().get("/specs/tool/shared").then().statusCode(200)
                .body("metadata.source", equalTo("file:claims.json")));
        Files.delete(file);
        awaitAsserted(() -> given().get("/specs/tool/shared").then().statusCode(404));
    }

    @Test
    void aBurstOfEditsIsAppliedAsTheLastContent() throws IOException {
        Path file = DIR.resolve("burst.yaml");
        for (int i = 0; i < 20; i++) {
            Files.writeString(file, tool("bursty", "v" + i));
        }
        awaitAsserted(() -> given().get("/specs/tool/bursty").then().body("spec.image", equalTo("corral/busybox:v19")));
        int generation = given().get("/specs/tool/bursty").then().extract().path("metadata.generation");
        // Debounced: far fewer applies than writes (20 writes would be generation 20).
        org.junit.jupiter.api.Assertions.assertTrue(generation < 10, "generation " + generation);
        Files.delete(file);
        awaitAsserted(() -> given().get("/specs/tool/bursty").then().statusCode(404));
    }

    @Test
    void hiddenAndOtherFilesAreIgnored() throws IOException {
        Files.createDirectories(DIR.resolve(".git"));
        Files.writeString(DIR.resolve(".git/config.yaml"), tool("hidden", "v1"));
        Files.writeString(DIR.resolve("notes.txt"), tool("text", "v1"));
        Files.writeString(DIR.resolve("marker.yaml"), tool("marker", "v1"));
        awaitAsserted(() -> given().get("/specs/tool/marker").then().statusCode(200));
        given().get("/specs/tool/hidden").then().statusCode(404);
        given().get("/specs/tool/text").then().statusCode(404);
        List<String> sources = given().get("/sources").then().extract().path("items.source");
        org.junit.jupiter.api.Assertions.assertFalse(sources.stream().anyMatch(s -> s.contains(".git")), sources.toString());
    }
}
