package dev.corral.runtime;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Finds the container Corral runs in, when the engine runs it, for {@link DockerRuntime#findSelf()}. */
final class DockerSelf {

    private final DockerCalls calls;
    private final DockerClient client;

    DockerSelf(DockerCalls calls) {
        this.calls = calls;
        this.client = calls.client();
    }

    public Optional<SelfContainer> findSelf() {
        List<String> candidates = SelfContainer.candidates(readQuietly("/proc/self/mountinfo"),
                readQuietly("/proc/self/cgroup"), readQuietly("/etc/hostname"));
        for (String candidate : candidates) {
            InspectContainerResponse r;
            try {
                r = calls.call("inspect_container", () -> client.inspectContainerCmd(candidate).exec());
            } catch (EngineException e) {
                if (e.status() == 404) {
                    continue;
                }
                throw e;
            }
            if (r.getId() == null || !r.getId().startsWith(candidate)) {
                continue;
            }
            Map<String, String> networks = new java.util.HashMap<>();
            if (r.getNetworkSettings() != null && r.getNetworkSettings().getNetworks() != null) {
                r.getNetworkSettings().getNetworks().forEach((n, cn) -> networks.put(n, cn.getNetworkID()));
            }
            Map<java.nio.file.Path, java.nio.file.Path> binds = new java.util.HashMap<>();
            if (r.getMounts() != null) {
                for (var m : r.getMounts()) {
                    // Named volumes carry a name; a bind mount's source is the host's path.
                    if ((m.getName() == null || m.getName().isEmpty()) && m.getSource() != null
                            && m.getDestination() != null && m.getSource().startsWith("/")) {
                        binds.put(java.nio.file.Path.of(m.getDestination().getPath()).normalize(),
                                java.nio.file.Path.of(m.getSource()).normalize());
                    }
                }
            }
            return Optional.of(new SelfContainer(r.getId(), networks, binds));
        }
        return Optional.empty();
    }

    private static String readQuietly(String file) {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of(file));
        } catch (java.io.IOException | java.lang.RuntimeException e) {
            return "";
        }
    }
}
