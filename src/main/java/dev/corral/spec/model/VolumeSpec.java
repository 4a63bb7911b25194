package dev.corral.spec.model;

import com.fasterxml.jackson.databind.JsonNode;

/** One entry of a Relic's or Agent's {@code volumes}: a named volume mounted at a path. */
public record VolumeSpec(String name, String mountPath, boolean readOnly) {

    /** @param volume an entry of a validated spec's {@code volumes} ({@code readOnly} defaulted) */
    public static VolumeSpec of(JsonNode volume) {
        Defaulted.require(volume, "volume", "name", "mountPath", "readOnly");
        return new VolumeSpec(volume.get("name").asText(), volume.get("mountPath").asText(),
                volume.get("readOnly").asBoolean());
    }
}
