package dev.corral.runtime;

import java.util.List;
import java.util.Map;

/**
 * Everything needed to create one container. Limits are not optional: Corral always sets them.
 *
 * @param entrypoint   null keeps the image's
 * @param cmd          null keeps the image's
 * @param network      the network to join at create time, or null for none
 * @param aliases      DNS names on {@code network}
 * @param mounts       named volumes and read-only binds
 * @param hardening    the lock-down ({@code isolation: standard} and up), or null for none
 * @param confinement  further limits and profiles, or null for the engine's defaults
 */
public record ContainerRequest(String name, String image, List<String> entrypoint, List<String> cmd,
                               Map<String, String> env, Map<String, String> labels, long memoryBytes,
                               long nanoCpus, long pidsLimit, String network, List<String> aliases,
                               List<Mount> mounts, Hardening hardening, Confinement confinement) {

    public ContainerRequest(String name, String image, List<String> entrypoint, List<String> cmd,
                            Map<String, String> env, Map<String, String> labels, long memoryBytes,
                            long nanoCpus, long pidsLimit, String network, List<String> aliases, List<Mount> mounts,
                            Hardening hardening) {
        this(name, image, entrypoint, cmd, env, labels, memoryBytes, nanoCpus, pidsLimit, network, aliases, mounts,
                hardening, null);
    }

    public ContainerRequest(String name, String image, List<String> entrypoint, List<String> cmd,
                            Map<String, String> env, Map<String, String> labels, long memoryBytes,
                            long nanoCpus, long pidsLimit, String network, List<String> aliases, List<Mount> mounts) {
        this(name, image, entrypoint, cmd, env, labels, memoryBytes, nanoCpus, pidsLimit, network, aliases, mounts, null);
    }

    /** The same container with other labels. */
    public ContainerRequest withLabels(Map<String, String> newLabels) {
        return new ContainerRequest(name, image, entrypoint, cmd, env, newLabels, memoryBytes, nanoCpus, pidsLimit, network,
                aliases, mounts, hardening, confinement);
    }

    /** The same container running {@code newCmd} with the environment {@code newEnv}. */
    public ContainerRequest withCommand(List<String> newCmd, Map<String, String> newEnv) {
        return new ContainerRequest(name, image, entrypoint, newCmd, newEnv, labels, memoryBytes, nanoCpus, pidsLimit, network,
                aliases, mounts, hardening, confinement);
    }

    /** The same container with another lock-down. */
    public ContainerRequest withHardening(Hardening newHardening) {
        return new ContainerRequest(name, image, entrypoint, cmd, env, labels, memoryBytes, nanoCpus, pidsLimit, network,
                aliases, mounts, newHardening, confinement);
    }

    /** The same container joining {@code newNetwork} (null: none) under {@code newAliases}. */
    public ContainerRequest withNetwork(String newNetwork, List<String> newAliases) {
        return new ContainerRequest(name, image, entrypoint, cmd, env, labels, memoryBytes, nanoCpus, pidsLimit, newNetwork,
                newAliases, mounts, hardening, confinement);
    }

    /**
     * The lock-down of a tool run: a user, a read-only root with writable tmpfs paths, an init
     * process, no capabilities, no privilege escalation, and a private anonymous volume (removed
     * with the container) as the writable workspace.
     *
     * @param user      {@code uid:gid}, or null for the image's
     * @param workspace mount path of the anonymous volume, or null
     * @param stdin     an open stdin, closed after the first attached writer (a warm container's)
     * @param workspaceFrom a created container whose anonymous volume this one takes as its workspace (the
     *                  engine's {@code VolumesFrom}) instead of a new one; null: a new one at {@code workspace}
     */
    public record Hardening(String user, boolean readOnlyRoot, List<String> tmpfs, boolean init, boolean dropAllCaps,
                            boolean noNewPrivileges, String workspace, String workingDir, boolean stdin,
                            String workspaceFrom) {

        public Hardening(String user, boolean readOnlyRoot, List<String> tmpfs, boolean init, boolean dropAllCaps,
                         boolean noNewPrivileges, String workspace, String workingDir, boolean stdin) {
            this(user, readOnlyRoot, tmpfs, init, dropAllCaps, noNewPrivileges, workspace, workingDir, stdin, null);
        }

        /** The same lock-down, its workspace the volume of {@code container} (see {@link #workspaceFrom}). */
        public Hardening withWorkspaceFrom(String container) {
            return new Hardening(user, readOnlyRoot, tmpfs, init, dropAllCaps, noNewPrivileges, workspace, workingDir, stdin,
                    container);
        }
    }

    /**
     * Limits and profiles beyond memory, CPU and processes; null fields keep the engine's default.
     *
     * @param runtime      the OCI runtime ({@code runsc} for gVisor), or null for the engine's default
     * @param openFiles    {@code nofile} ulimit, soft and hard
     * @param processes    {@code nproc} ulimit, soft and hard
     * @param diskReadBps  bytes/s read from the engine's data disk
     * @param diskWriteBps bytes/s written to it
     * @param logMaxSizeMb json-file {@code max-size} in MiB (0: the engine's logging as configured)
     * @param logMaxFiles  json-file {@code max-file}
     * @param seccomp      {@code unconfined}, a profile's JSON, or null for the engine's default
     * @param apparmor     {@code unconfined}, a loaded profile's name, or null for the engine's default
     */
    public record Confinement(String runtime, Long openFiles, Long processes, Long diskReadBps, Long diskWriteBps,
                              int logMaxSizeMb, int logMaxFiles, String seccomp, String apparmor) {
    }

    /** A named volume ({@code bind == false}) or a host directory, mounted at {@code target}. */
    public record Mount(String source, String target, boolean readOnly, boolean bind) {
    }
}
