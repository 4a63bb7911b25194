package dev.corral.gitops;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static dev.corral.gitops.GitOpsSupport.REV1;
import static dev.corral.gitops.GitOpsSupport.REV2;
import static dev.corral.gitops.GitOpsSupport.assertSources;
import static dev.corral.gitops.GitOpsSupport.assertStored;
import static dev.corral.gitops.GitOpsSupport.awaitSwap;
import static dev.corral.gitops.GitOpsSupport.sh;
import static dev.corral.gitops.GitOpsSupport.tools;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Layout 3, a Kubernetes ConfigMap volume: the files are in a timestamped {@code ..2024_…} directory,
 * {@code ..data} links to it, and each visible file links into {@code ..data}. An update is written as
 * the kubelet's atomic writer does it: a new timestamped directory, a {@code ..data_tmp} link renamed
 * over {@code ..data}, then links for new keys created and links of removed keys deleted, then the
 * old directory removed. Files are named by their visible names, and nothing is read twice.
 */
@QuarkusTest
@TestProfile(GitOpsConfigMapTest.Profile.class)
class GitOpsConfigMapTest {

    static final Path VOLUME = GitOpsSupport.testDir("configmap");

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            if (!Files.exists(VOLUME.resolve("..data"), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                String dir = "..2024_01_01_00_00_00.000000001";
                REV1.writeTo(VOLUME.resolve(dir));
                StringBuilder links = new StringBuilder("ln -s " + dir + " ..data");
                for (String f : REV1.files().keySet()) {
                    links.append(" && ln -s ..data/").append(f).append(' ').append(f);
                }
                sh(VOLUME, links.toString());
            }
            return GitOpsSupport.overrides(VOLUME, Map.of());
        }
    }

    @BeforeEach
    void setUp() {
        dev.corral.support.Rest.configure();
    }

    /** The kubelet's AtomicWriter, step by step. */
    private static Duration update(GitOpsSupport.Revision from, GitOpsSupport.Revision to, String oldDir, String newDir) {
        to.writeTo(VOLUME.resolve(newDir));
        StringBuilder script = new StringBuilder("ln -s " + newDir + " ..data_tmp && mv -T ..data_tmp ..data");
        for (String f : to.files().keySet()) {
            if (!from.files().containsKey(f)) {
                script.append(" && ln -s ..data/").append(f).append(' ').append(f);
            }
        }
        for (String f : from.files().keySet()) {
            if (!to.files().containsKey(f)) {
                script.append(" && rm ").append(f);
            }
        }
        script.append(" && rm -rf ").append(oldDir);
        var before = tools();
        long t0 = System.nanoTime();
        sh(VOLUME, script.toString());
        return awaitSwap(before, from, to, t0);
    }

    @Test
    void anAtomicallySwappedDataLinkIsOneConsistentApply() {
        assertStored(REV1, tools());
        assertSources(REV1);

        Duration took = update(REV1, REV2, "..2024_01_01_00_00_00.000000001", "..2024_01_01_00_01_00.000000002");
        assertTrue(took.toMillis() < 1000, "applied in " + took.toMillis() + " ms");
        took = update(REV2, REV1, "..2024_01_01_00_01_00.000000002", "..2024_01_01_00_02_00.000000003");
        assertTrue(took.toMillis() < 1000, "applied in " + took.toMillis() + " ms");

        // Only the visible names are sources: no ..data/…, no ..2024_…/….
        List<String> sources = io.restassured.RestAssured.given().get("/sources").then().extract().path("items.source");
        assertTrue(new TreeSet<>(sources).stream().noneMatch(s -> s.contains("..")), sources.toString());
    }
}
