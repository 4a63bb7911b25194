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
 */
public record ContainerRequest(String name, String image, List<String> entrypoint, List<String> cmd,
                               Map<String, String> env, Map<String, String> labels, long memoryBytes,
                               long nanoCpus, long pidsLimit, String network, List<String> aliases,
                               List<Mount> mounts) {

    /** A named volume ({@code bind == false}) or a host directory, mounted at {@code target}. */
    public record Mount(String source, String target, boolean readOnly, boolean bind) {
    }
}
