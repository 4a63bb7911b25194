package dev.corral.runtime;

import java.util.List;

/**
 * Which engine serves the Docker API Corral speaks: Docker's own, or Podman's compatible service
 * ({@code podman system service}), which differs where Corral must know it (docs/podman.md).
 *
 * @param podman  whether it is Podman: its {@code /version} names a "Podman Engine" component
 * @param version the engine's version
 */
public record EngineIdentity(boolean podman, String version) {

    public static EngineIdentity of(List<String> componentNames, String version) {
        boolean podman = componentNames.stream().anyMatch(n -> n != null && n.startsWith("Podman"));
        return new EngineIdentity(podman, version == null ? "" : version);
    }

    @Override
    public String toString() {
        return (podman ? "Podman " : "Docker ") + version;
    }
}
