package dev.corral.gitops;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.corral.gitops.GitOpsSupport.sh;
import static dev.corral.gitops.GitOpsSupport.sourceErrors;
import static dev.corral.gitops.GitOpsSupport.tool;
import static dev.corral.gitops.GitOpsSupport.tools;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Links in and to the specs directory, with {@code corral.specs.follow-external-links} off (the default):
 * the configured directory is itself a link; a link into a hidden directory is read under its visible
 * name; links outside are refused; loops and duplicates are reported, never followed.
 */
@QuarkusTest
@TestProfile(GitOpsLinksTest.Profile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GitOpsLinksTest {

    static final Path BASE = GitOpsSupport.testDir("links");

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            GitOpsSupport.linksLayout(BASE);
            return GitOpsSupport.overrides(BASE.resolve("specs"), Map.of());
        }
    }

    @BeforeEach
    void setUp() {
        dev.corral.support.Rest.configure();
    }

    private static void awaitAsserted(Runnable r) {
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20)).untilAsserted(r::run);
    }

    @Test
    @Order(1)
    void theLinkedDirectoryIsAppliedAtStartUp() {
        var tools = tools();
        assertEquals(List.of("behind-hidden", "initial", "nested"), List.copyOf(tools.keySet()));
        assertEquals("file:initial.yaml", tools.get("initial").source());
        assertEquals("file:nested/n.yaml", tools.get("nested").source());
        // Behind a hidden directory, read through the visible link, under the visible name.
        assertEquals("file:shown/h.yaml", tools.get("behind-hidden").source());
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    @Order(2)
    void externalLinksAreRefusedAndLoopsReported() {
        assertTrue(sourceErrors("file:ext.yaml").contains("outside the specs directory"), sourceErrors("file:ext.yaml"));
        assertTrue(sourceErrors("file:ext.yaml").contains("corral.specs.follow-external-links=true"));
        assertTrue(sourceErrors("file:extdir").contains("outside the specs directory"), sourceErrors("file:extdir"));
        given().get("/specs/tool/ext").then().statusCode(404);
        given().get("/specs/tool/extx").then().statusCode(404);

        assertTrue(sourceErrors("file:nested/up").contains("loop"), sourceErrors("file:nested/up"));
        assertTrue(sourceErrors("file:loop-a").contains("loop"), sourceErrors("file:loop-a"));
        assertTrue(sourceErrors("file:loop-b").contains("loop"), sourceErrors("file:loop-b"));
        assertTrue(sourceErrors("file:alias.yaml").contains("same file as file:initial.yaml"),
                sourceErrors("file:alias.yaml"));
        given().get("/q/metrics").then().body(containsString("corral_specs_dir_failing_files"));
    }

    @Test
    @Order(3)
    void changesBehindTheLinkAreApplied() throws IOException {
        Files.writeString(BASE.resolve("real/later.yaml"), tool("later", "v1"));
        Files.writeString(BASE.resolve("real/initial.yaml"), tool("initial", "v2"));
        Files.writeString(BASE.resolve("real/.hidden/h.yaml"), tool("behind-hidden", "v2"));
        awaitAsserted(() -> {
            given().get("/specs/tool/later").then().statusCode(200).body("metadata.source", equalTo("file:later.yaml"));
            given().get("/specs/tool/initial").then().body("spec.image", equalTo("corral/busybox:v2"));
            given().get("/specs/tool/behind-hidden").then().body("spec.image", equalTo("corral/busybox:v2"));
        });
        // Editing the refused external file changes nothing.
        Files.writeString(BASE.resolve("outside/ext.yaml"), tool("ext", "v2"));
        Files.writeString(BASE.resolve("real/marker.yaml"), tool("marker", "v1"));
        awaitAsserted(() -> given().get("/specs/tool/marker").then().statusCode(200));
        given().get("/specs/tool/ext").then().statusCode(404);
    }

    @Test
    @Order(4)
    void aLoopAddedLaterIsReportedAndTheRestStillApplies() {
        sh(BASE, "ln -s ../.. real/nested/upup && ln -s . real/self");
        awaitAsserted(() -> {
            assertTrue(sourceErrors("file:self").contains("loop"), sourceErrors("file:self"));
            // ../.. from real/nested is base: outside the directory (and its ancestor).
            assertTrue(!sourceErrors("file:nested/upup").isEmpty(), sourceErrors("file:nested/upup"));
        });
        given().get("/specs/tool/nested").then().statusCode(200);
    }

    @Test
    @Order(5)
    void theDirectoryLinkRepointedIsANewTree() throws IOException {
        var before = tools();
        Files.createDirectories(BASE.resolve("real2"));
        Files.writeString(BASE.resolve("real2/initial.yaml"), tool("initial", "v2"));
        Files.writeString(BASE.resolve("real2/other.yaml"), tool("other", "v1"));
        sh(BASE, "ln -s real2 .specs-tmp && mv -T .specs-tmp specs");
        awaitAsserted(() -> {
            var tools = tools();
            assertEquals(List.of("initial", "other"), List.copyOf(tools.keySet()));
            // Same file, same content: the same object, untouched.
            assertEquals(before.get("initial"), tools.get("initial"));
        });
        awaitAsserted(() -> assertEquals(Map.of("file:initial.yaml", List.of("tool/initial"),
                "file:other.yaml", List.of("tool/other")), GitOpsSupport.fileSources()));
        // And the new tree is watched.
        Files.writeString(BASE.resolve("real2/third.yaml"), tool("third", "v1"));
        awaitAsserted(() -> given().get("/specs/tool/third").then().statusCode(200));
    }
}
