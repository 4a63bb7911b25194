package dev.corral.confinement;

import dev.corral.runtime.ContainerRequest;
import dev.corral.spec.model.Isolation;
import dev.corral.spec.model.LogLimits;
import dev.corral.spec.model.Resources;
import dev.corral.spec.model.SecurityProfiles;

import java.util.List;

/**
 * What each {@link Isolation} level means for a container, in one place for both kind families
 * (Relics and Agents in {@code containers}, runs in {@code runs}). Pure.
 */
public final class Confinements {

    /** The OCI runtime of {@code isolation: strict}: gVisor. */
    public static final String STRICT_RUNTIME = "runsc";

    /** The user of a Relic's or Agent's locked-down container: {@code nobody}, as images rarely have one of their own. */
    static final String NOBODY = "65534:65534";

    private Confinements() {
    }

    /** A Relic's or Agent's lock-down: none at minimal; at standard and up, a run's, without a workspace. */
    public static ContainerRequest.Hardening container(Isolation level) {
        if (!level.atLeast(Isolation.standard)) {
            return null;
        }
        return new ContainerRequest.Hardening(NOBODY, true, List.of("/tmp"), true, true, true, null, null, false);
    }

    /**
     * A run's lock-down. Its user, workspace and open stdin are how runs work (the launcher writes
     * the inputs, a warm container waits on stdin), so even minimal keeps them; minimal leaves the
     * root file system writable and the engine's default capabilities.
     *
     * @param user  {@code uid:gid}
     * @param stdin whether stdin stays open (a warm container)
     */
    public static ContainerRequest.Hardening run(Isolation level, String user, boolean stdin) {
        boolean locked = level.atLeast(Isolation.standard);
        return new ContainerRequest.Hardening(user, locked, locked ? List.of("/tmp") : List.of(), true, locked, locked,
                "/workspace", "/workspace", stdin);
    }

    /**
     * Limits beyond memory, CPU and processes, log rotation, profiles, and at strict the gVisor runtime.
     * {@code default} profiles are left to the engine (null), so they follow its configuration.
     */
    public static ContainerRequest.Confinement confinement(Isolation level, Resources res, LogLimits logs,
                                                           SecurityProfiles security) {
        return new ContainerRequest.Confinement(level == Isolation.strict ? STRICT_RUNTIME : null, res.openFiles(),
                res.processes(), res.diskReadBps(), res.diskWriteBps(), logs.maxSizeMb(), logs.maxFiles(),
                profile(security.seccomp()), profile(security.apparmor()));
    }

    private static String profile(String name) {
        return SecurityProfiles.DEFAULT.equals(name) ? null : name;
    }
}
