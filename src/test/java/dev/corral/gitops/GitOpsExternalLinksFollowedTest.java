package dev.corral.gitops;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static dev.corral.gitops.GitOpsSupport.sourceErrors;
import static dev.corral.gitops.GitOpsSupport.tool;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The same links with {@code corral.specs.follow-external-links=true}: links outside are followed (and watched), loops still are not. */
@QuarkusTest
@TestProfile(GitOpsExternalLinksFollowedTest.Profile.class)
class GitOpsExternalLinksFollowedTest {

    static final Path BASE = GitOpsSupport.testDir("links-followed");

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            GitOpsSupport.linksLayout(BASE);
            return GitOpsSupport.overrides(BASE.resolve("specs"), Map.of("corral.specs.follow-external-links", "true"));
        }
    }

    @BeforeEach
    void setUp() {
        dev.corral.support.Rest.configure();
    }

    @Test
    void externalLinksAreFollowedAndWatched() throws IOException {
        given().get("/specs/tool/ext").then().statusCode(200).body("metadata.source", equalTo("file:ext.yaml"));
        given().get("/specs/tool/extx").then().statusCode(200).body("metadata.source", equalTo("file:extdir/x.yaml"));
        assertEquals("", sourceErrors("file:ext.yaml"));
        assertTrue(sourceErrors("file:nested/up").contains("loop"), sourceErrors("file:nested/up"));
        assertTrue(sourceErrors("file:loop-a").contains("loop"), sourceErrors("file:loop-a"));

        // Outside the directory, and still watched.
        Files.writeString(BASE.resolve("outside/ext.yaml"), tool("ext", "v2"));
        Files.writeString(BASE.resolve("outside/extdir/y.yaml"), tool("exty", "v1"));
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            given().get("/specs/tool/ext").then().body("spec.image", equalTo("corral/busybox:v2"));
            given().get("/specs/tool/exty").then().statusCode(200).body("metadata.source", equalTo("file:extdir/y.yaml"));
        });
    }
}
