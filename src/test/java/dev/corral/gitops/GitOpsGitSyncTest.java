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
 * Layout 2, git-sync's: {@code corral.specs-dir} is {@code root/current}, a symbolic link to
 * {@code worktrees/<rev>}, swapped atomically to a new worktree ({@code ln -s} to a temporary name,
 * then {@code mv -T}); the old worktree is removed right after, as git-sync does.
 */
@QuarkusTest
@TestProfile(GitOpsGitSyncTest.Profile.class)
class GitOpsGitSyncTest {

    static final Path ROOT = GitOpsSupport.testDir("git-sync");

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            if (!Files.exists(ROOT.resolve("current"), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                REV1.writeTo(ROOT.resolve("worktrees/rev1"));
                // git-sync's worktrees carry a .git file pointing at the repository.
                sh(ROOT, "echo 'gitdir: ../../.git/worktrees/rev1' > worktrees/rev1/.git && mkdir -p .git"
                        + " && ln -s worktrees/rev1 current");
            }
            return GitOpsSupport.overrides(ROOT.resolve("current"), Map.of());
        }
    }

    @BeforeEach
    void setUp() {
        dev.corral.support.Rest.configure();
    }

    private static Duration swap(GitOpsSupport.Revision from, GitOpsSupport.Revision to, String oldDir, String newDir) {
        to.writeTo(ROOT.resolve("worktrees/" + newDir));
        var before = tools();
        long t0 = System.nanoTime();
        sh(ROOT, "ln -s worktrees/" + newDir + " .current-tmp && mv -T .current-tmp current && rm -rf worktrees/" + oldDir);
        return awaitSwap(before, from, to, t0);
    }

    @Test
    void aSwappedWorktreeLinkIsOneConsistentApply() {
        // The configured directory is a link: applied at start-up.
        assertStored(REV1, tools());
        assertSources(REV1);

        Duration took = swap(REV1, REV2, "rev1", "rev2");
        assertTrue(took.toMillis() < 1000, "applied in " + took.toMillis() + " ms");
        took = swap(REV2, REV1, "rev2", "rev3");
        assertTrue(took.toMillis() < 1000, "applied in " + took.toMillis() + " ms");
        // And a third time, so the watches followed each swap (not only the first).
        took = swap(REV1, REV2, "rev3", "rev4");
        assertTrue(took.toMillis() < 1000, "applied in " + took.toMillis() + " ms");
    }
}
