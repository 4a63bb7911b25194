package dev.corral;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package rule, checked on the compiled classes of {@code src/main}: the layers of
 * docs/architecture.md, each using only those below it, and no cycle between any two packages. A new
 * package must be placed here; an import that breaks the rule fails this test with the offending
 * line.
 */
class ArchitectureTest {

    private static JavaClasses main;

    @BeforeAll
    static void importMain() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.corral");
    }

    /** Top to bottom; a layer may use any layer below it, never one above. */
    static ArchRule layers() {
        return layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("seeds").definedBy("dev.corral.seeds..")
                .layer("api").definedBy("dev.corral.api..")
                .layer("health").definedBy("dev.corral.health..")
                .layer("gitops").definedBy("dev.corral.gitops..")
                .layer("swarm").definedBy("dev.corral.swarm..")
                .layer("containers").definedBy("dev.corral.containers..")
                .layer("runs").definedBy("dev.corral.runs..")
                .layer("stats").definedBy("dev.corral.stats..")
                .layer("loop").definedBy("dev.corral.loop..")
                .layer("leader").definedBy("dev.corral.leader..")
                .layer("ownership").definedBy("dev.corral.ownership..")
                .layer("confinement").definedBy("dev.corral.confinement..")
                .layer("runtime").definedBy("dev.corral.runtime..")
                .layer("events").definedBy("dev.corral.events..")
                .layer("admission").definedBy("dev.corral.admission..")
                .layer("watch").definedBy("dev.corral.watch..")
                .layer("store").definedBy("dev.corral.store..")
                .layer("spec").definedBy("dev.corral.spec..")
                .layer("auth").definedBy("dev.corral.auth..")
                .layer("audit").definedBy("dev.corral.audit..")
                .layer("http").definedBy("dev.corral.http..")
                .layer("config").definedBy("dev.corral.config..")
                // The seeds' surfaces are adapters on top of the API: nothing below knows them.
                .whereLayer("seeds").mayNotBeAccessedByAnyLayer()
                .whereLayer("api").mayOnlyBeAccessedByLayers("seeds")
                .whereLayer("health").mayOnlyBeAccessedByLayers("seeds")
                .whereLayer("gitops").mayOnlyBeAccessedByLayers("api", "health", "seeds")
                // Swarm mode reuses the one-engine family's spec-to-container mapping and status writing.
                .whereLayer("swarm").mayOnlyBeAccessedByLayers("api", "health", "seeds")
                // The two kind families are siblings: neither knows the other.
                .whereLayer("containers").mayOnlyBeAccessedByLayers("swarm", "api", "health", "seeds")
                .whereLayer("runs").mayOnlyBeAccessedByLayers("swarm", "api", "health", "seeds")
                .whereLayer("stats").mayOnlyBeAccessedByLayers("api", "health", "seeds")
                .whereLayer("loop").mayOnlyBeAccessedByLayers("swarm", "containers", "runs", "stats", "api", "health", "seeds")
                // Who leads: asked by the work that must run once (the loop, the specs directory) and readiness.
                .whereLayer("leader").mayOnlyBeAccessedByLayers("loop", "gitops", "health", "api", "seeds")
                .whereLayer("ownership").mayOnlyBeAccessedByLayers("loop", "swarm", "containers", "runs", "stats", "api", "health", "seeds")
                .whereLayer("confinement").mayOnlyBeAccessedByLayers("containers", "runs", "api", "health", "seeds")
                // The engine's door: nothing of Corral's model above it but the configuration.
                .whereLayer("runtime").mayOnlyBeAccessedByLayers("ownership", "confinement", "loop", "swarm", "containers", "runs", "stats", "api",
                        "health", "seeds")
                // Events are recorded by the families and gitops and read by the API; they know only spec and store.
                .whereLayer("events").mayOnlyBeAccessedByLayers("loop", "swarm", "containers", "runs", "gitops", "api", "health", "seeds")
                .whereLayer("admission").mayOnlyBeAccessedByLayers("gitops", "api", "health", "seeds")
                .whereLayer("watch").mayOnlyBeAccessedByLayers("api", "seeds")
                .whereLayer("store").mayOnlyBeAccessedByLayers("events", "admission", "watch", "leader", "loop", "swarm", "containers", "runs",
                        "gitops", "api", "health", "seeds")
                .whereLayer("auth").mayOnlyBeAccessedByLayers("api", "seeds")
                .whereLayer("audit").mayOnlyBeAccessedByLayers("api", "seeds")
                // Corral's JSON error on a raw Vert.x response: for the API and the token check alike.
                .whereLayer("http").mayOnlyBeAccessedByLayers("api", "auth", "seeds");
    }

    @Test
    void layersOnlyUseLayersBelowThem() {
        layers().check(main);
    }

    @Test
    void noCyclesBetweenPackages() {
        slices().matching("dev.corral.(**)").should().beFreeOfCycles().check(main);
    }
}
