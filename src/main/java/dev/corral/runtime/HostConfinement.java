package dev.corral.runtime;

import com.github.dockerjava.api.model.BlkioRateDevice;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Ulimit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A container's {@link ContainerRequest.Confinement} as the engine's host configuration. */
final class HostConfinement {

    private final DiskDevice disk;
    private final Optional<java.nio.file.Path> seccompProfiles;

    HostConfinement(DiskDevice disk, Optional<java.nio.file.Path> seccompProfiles) {
        this.disk = disk;
        this.seccompProfiles = seccompProfiles;
    }

    /** Limits and profiles beyond memory, CPU and processes. */
    void apply(HostConfig host, ContainerRequest.Confinement c, List<String> securityOpts) {
        if (c.runtime() != null) {
            host.withRuntime(c.runtime());
        }
        List<Ulimit> ulimits = new ArrayList<>();
        if (c.openFiles() != null) {
            ulimits.add(new Ulimit("nofile", c.openFiles(), c.openFiles()));
        }
        if (c.processes() != null) {
            ulimits.add(new Ulimit("nproc", c.processes(), c.processes()));
        }
        if (!ulimits.isEmpty()) {
            host.withUlimits(ulimits);
        }
        if (c.diskReadBps() != null) {
            host.withBlkioDeviceReadBps(List.of(new BlkioRateDevice().withPath(disk.path()).withRate(c.diskReadBps())));
        }
        if (c.diskWriteBps() != null) {
            host.withBlkioDeviceWriteBps(List.of(new BlkioRateDevice().withPath(disk.path()).withRate(c.diskWriteBps())));
        }
        if (c.logMaxSizeMb() > 0) {
            host.withLogConfig(new LogConfig(LogConfig.LoggingType.JSON_FILE,
                    Map.of("max-size", c.logMaxSizeMb() + "m", "max-file", Integer.toString(c.logMaxFiles()))));
        }
        if (c.seccomp() != null) {
            securityOpts.add("seccomp=" + seccomp(c.seccomp()));
        }
        if (c.apparmor() != null) {
            securityOpts.add("apparmor=" + c.apparmor());
        }
    }

    /** {@code unconfined}, or the named profile's JSON (the engine takes the profile itself, not a path). */
    private String seccomp(String name) {
        if ("unconfined".equals(name)) {
            return name;
        }
        java.nio.file.Path file = seccompProfiles.map(d -> d.resolve(name + ".json")).orElse(null);
        try {
            if (file == null || !java.nio.file.Files.isRegularFile(file)) {
                throw new EngineException(400, "no seccomp profile named " + name + " (corral.security.seccomp-profiles: "
                        + seccompProfiles.map(Object::toString).orElse("unset") + ")", null);
            }
            return java.nio.file.Files.readString(file);
        } catch (java.io.IOException e) {
            throw new EngineException(400, "cannot read seccomp profile " + file + ": " + e.getMessage(), e);
        }
    }
}
