package dev.corral.runtime;

import com.github.dockerjava.api.DockerClient;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Images for {@link DockerRuntime}: present or pulled per the pull policy, with their ENTRYPOINT and CMD.
 * A positive look-up is remembered briefly; a create that then finds the image gone evicts it ({@link #forget}).
 */
final class DockerImages {

    /** Positive image look-ups are trusted this long: a create that then fails with 404 evicts the entry. */
    private static final Duration IMAGE_CACHE = Duration.ofSeconds(30);

    private final DockerCalls calls;
    private final DockerClient client;
    private final Map<String, Instant> imagesSeen = new ConcurrentHashMap<>();
    private final Map<String, ImageDefaults> imageDefaults = new ConcurrentHashMap<>();

    DockerImages(DockerCalls calls) {
        this.calls = calls;
        this.client = calls.client();
    }

    void forget(String image) {
        imagesSeen.remove(image);
    }

    public ImageDefaults ensureImage(String image, String pullPolicy) {
        Instant seen = imagesSeen.get(image);
        ImageDefaults known = imageDefaults.get(image);
        if (!"Always".equals(pullPolicy) && seen != null && known != null && seen.plus(IMAGE_CACHE).isAfter(Instant.now())) {
            return known;
        }
        ImageDefaults present = inspectImage(image);
        if (present != null && !"Always".equals(pullPolicy)) {
            return remember(image, present);
        }
        if ("Never".equals(pullPolicy)) {
            throw new ImageUnavailableException("image " + image + " is not on the engine and imagePullPolicy is Never",
                    false, null);
        }
        try {
            calls.call("pull_image", () -> {
                try {
                    return client.pullImageCmd(image).start().awaitCompletion(10, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while pulling " + image, e);
                }
            });
        } catch (EngineException | IllegalStateException e) {
            if (present != null) {
                // Always, but the registry is unreachable: run what we have, as the kubelet would not; say so in logs.
                return remember(image, present);
            }
            throw new ImageUnavailableException("image " + image + " could not be pulled: " + e.getMessage(), true, e);
        }
        ImageDefaults pulled = inspectImage(image);
        if (pulled == null) {
            throw new ImageUnavailableException("image " + image + " is missing right after its pull", true, null);
        }
        return remember(image, pulled).asPulled();
    }

    private ImageDefaults remember(String image, ImageDefaults d) {
        imageDefaults.put(image, d);
        imagesSeen.put(image, Instant.now());
        return d;
    }

    /** The image's defaults, or null when it is not on the engine. */
    private ImageDefaults inspectImage(String image) {
        try {
            var inspected = calls.call("inspect_image", () -> client.inspectImageCmd(image).exec());
            var config = inspected.getConfig();
            List<String> entrypoint = config == null || config.getEntrypoint() == null ? List.of()
                    : List.of(config.getEntrypoint());
            List<String> cmd = config == null || config.getCmd() == null ? List.of() : List.of(config.getCmd());
            return new ImageDefaults(inspected.getId(), entrypoint, cmd);
        } catch (EngineException e) {
            if (e.status() != 404) {
                throw e;
            }
            return null;
        }
    }
}
