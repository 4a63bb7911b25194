package dev.corral.gitops;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static dev.corral.gitops.GitOpsSupport.REV1;
import static dev.corral.gitops.GitOpsSupport.REV2;
import static dev.corral.gitops.GitOpsSupport.assertSources;
import static dev.corral.gitops.GitOpsSupport.assertStored;
import static dev.corral.gitops.GitOpsSupport.awaitSwap;
import static dev.corral.gitops.GitOpsSupport.sh;
import static dev.corral.gitops.GitOpsSupport.tools;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Layout 4, a release directory: {@code corral.specs-dir} is {@code current}, re-pointed with
 * {@code ln -sfn releases/<n> current}. Older coreutils do that by unlinking and then linking, so the
 * directory is briefly absent: that gap must change nothing (an absent directory is not an empty one).
 */
@QuarkusTest
@TestProfile(GitOpsReleaseLinkTest.Profile.class)
class GitOpsReleaseLinkTest {

    static final Path BASE = GitOpsSupport.testDir("release");

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            if (!Files.exists(BASE.resolve("current"), LinkOption.NOFOLLOW_LINKS)) {
                REV1.writeTo(BASE.resolve("releases/1"));
                REV2.writeTo(BASE.resolve("releases/2"));
                sh(BASE, "ln -sfn releases/1 current");
            }
            return GitOpsSupport.overrides(BASE.resolve("current"), Map.of());
        }
    }

    @Inject
    SpecsDirectory specs;

    @BeforeEach
    void setUp() {
        dev.corral.support.Rest.configure();
    }

    @Test
    void aReleaseLinkRepointedWithLnSfnIsOneConsistentApply() throws Exception {
        assertStored(REV1, tools());
        assertSources(REV1);

        var before = tools();
        long t0 = System.nanoTime();
        sh(BASE, "ln -sfn releases/2 current");
        Duration took = awaitSwap(before, REV1, REV2, t0);
        assertTrue(took.toMillis() < 1000, "applied in " + took.toMillis() + " ms");

        // The non-atomic form, with a sync forced into the gap: nothing is pruned while the link is absent.
        before = tools();
        Files.delete(BASE.resolve("current"));
        specs.syncNow();
        assertEquals(before, tools(), "nothing changed while the directory was absent");
        assertSources(REV2);
        t0 = System.nanoTime();
        Files.createSymbolicLink(BASE.resolve("current"), Path.of("releases/1"));
        took = awaitSwap(before, REV2, REV1, t0);
        assertTrue(took.toMillis() < 1000, "applied in " + took.toMillis() + " ms");

        // A link that dangles for a moment (its release not there yet) is no different.
        before = tools();
        sh(BASE, "ln -sfn releases/3 current");
        specs.syncNow();
        assertEquals(before, tools(), "nothing changed while the link dangled");
        t0 = System.nanoTime();
        REV2.writeTo(BASE.resolve("releases/3.tmp"));
        sh(BASE, "mv releases/3.tmp releases/3");
        took = awaitSwap(before, REV1, REV2, t0);
        assertTrue(took.toMillis() < 1000, "applied in " + took.toMillis() + " ms");
    }
}
