package dev.corral.gitops;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Layout 1: the specs directory is a git working tree, switched between branches with
 * {@code git checkout} (many files written, removed and created at once; {@code .git} changes too).
 */
@QuarkusTest
@TestProfile(GitOpsGitCheckoutTest.Profile.class)
class GitOpsGitCheckoutTest {

    static final Path REPO = GitOpsSupport.testDir("git-checkout");
    static final String GIT = "git -c user.name=corral -c user.email=corral@test -c commit.gpgsign=false"
            + " -c core.hooksPath=/dev/null ";

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            if (!Files.isDirectory(REPO.resolve(".git"))) {
                REV1.writeTo(REPO);
                sh(REPO, GIT + "init -q -b rev1 && " + GIT + "add -A && " + GIT + "commit -q -m rev1");
                sh(REPO, GIT + "checkout -q -b rev2 && " + GIT + "rm -q -r .");
                REV2.writeTo(REPO);
                sh(REPO, GIT + "add -A && " + GIT + "commit -q -m rev2 && " + GIT + "checkout -q rev1");
            }
            // The default debounce (300 ms): a checkout must be applied within a second with it.
            return GitOpsSupport.overrides(REPO, Map.of());
        }
    }

    @BeforeEach
    void setUp() {
        dev.corral.support.Rest.configure();
    }

    @Test
    void switchingBranchesIsOneConsistentApply() {
        assertStored(REV1, tools());
        assertSources(REV1);

        var before = tools();
        long t0 = System.nanoTime();
        sh(REPO, GIT + "checkout -q rev2");
        Duration took = awaitSwap(before, REV1, REV2, t0);
        assertTrue(took.toMillis() < 1000, "applied in " + took.toMillis() + " ms");

        before = tools();
        t0 = System.nanoTime();
        sh(REPO, GIT + "checkout -q rev1");
        took = awaitSwap(before, REV2, REV1, t0);
        assertTrue(took.toMillis() < 1000, "applied in " + took.toMillis() + " ms");
    }
}
