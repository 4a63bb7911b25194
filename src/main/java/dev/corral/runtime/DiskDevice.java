package dev.corral.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The block device disk I/O limits apply to: the one holding the engine's data root (where every
 * container's writable layer and volumes live). The engine wants a device node's path; Corral finds
 * it from the data root's file system ({@code /dev/block/MAJOR:MINOR}, or the name sysfs gives that
 * device), which it can see when it runs on the engine's host. {@code corral.docker.disk-device} names it otherwise.
 */
final class DiskDevice {

    private final DockerCalls calls;
    private final Optional<String> configured;
    private volatile String resolved;

    DiskDevice(DockerCalls calls, Optional<String> configured) {
        this.calls = calls;
        this.configured = configured;
    }

    /** @throws EngineException (400, so terminal) with what to do when no device can be found */
    String path() {
        if (configured.isPresent()) {
            return configured.get();
        }
        String r = resolved;
        if (r != null) {
            return r;
        }
        String root = calls.call("info", () -> calls.client().infoCmd().exec()).getDockerRootDir();
        try {
            long dev = ((Number) Files.getAttribute(Path.of(root), "unix:dev")).longValue();
            // Linux's dev_t: major in bits 8-19 (and 32-43), minor in bits 0-7 (and 20-31).
            long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
            long minor = (dev & 0xff) | ((dev >>> 12) & 0xffffff00L);
            Path node = node(wholeDisk(major + ":" + minor));
            if (node == null) {
                throw unavailable("the engine's data root " + root + " is on device " + major + ":" + minor
                        + ", which has no node under /dev/block or in /sys/dev/block");
            }
            resolved = node.toString();
            return resolved;
        } catch (java.io.IOException | UnsupportedOperationException | IllegalArgumentException e) {
            throw unavailable("Corral cannot see the engine's data root " + root + " (" + e.getMessage() + ")");
        }
    }

    /**
     * The disk a partition is on ({@code vda1} → {@code vda}): the kernel throttles whole disks only
     * (a partition's limit fails the container's start with "no such device").
     */
    private static String wholeDisk(String majorMinor) throws java.io.IOException {
        Path sys = Path.of("/sys/dev/block/" + majorMinor);
        if (!Files.exists(sys.resolve("partition"))) {
            return majorMinor;
        }
        Path parentDev = sys.toRealPath().getParent().resolve("dev");
        return Files.isReadable(parentDev) ? Files.readString(parentDev).strip() : majorMinor;
    }

    /** {@code /dev/block/M:m} where udev made it, else {@code /dev/<DEVNAME>} as the kernel names it in sysfs. */
    private static Path node(String majorMinor) throws java.io.IOException {
        Path link = Path.of("/dev/block/" + majorMinor);
        if (Files.exists(link)) {
            return link;
        }
        Path uevent = Path.of("/sys/dev/block/" + majorMinor + "/uevent");
        if (!Files.isReadable(uevent)) {
            return null;
        }
        for (String line : Files.readAllLines(uevent)) {
            if (line.startsWith("DEVNAME=")) {
                Path dev = Path.of("/dev/" + line.substring("DEVNAME=".length()));
                return Files.exists(dev) ? dev : null;
            }
        }
        return null;
    }

    private static EngineException unavailable(String why) {
        return new EngineException(400, "disk I/O limits need the block device under the engine's data root: " + why
                + "; set corral.docker.disk-device", null);
    }
}
