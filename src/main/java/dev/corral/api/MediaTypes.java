package dev.corral.api;

import dev.corral.spec.SpecParser;

import java.util.Locale;

/** The media types Corral reads and writes. */
public final class MediaTypes {

    public static final String YAML = "application/yaml";
    public static final String X_YAML = "application/x-yaml";
    public static final String TEXT_YAML = "text/yaml";

    private MediaTypes() {
    }

    /** The spec format of a request's Content-Type, or a 415 {@link ApiException}. */
    public static SpecParser.Format formatOf(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            throw new ApiException(415, "Content-Type is missing: send application/yaml or application/json");
        }
        String base = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (base.equals("application/json") || base.endsWith("+json")) {
            return SpecParser.Format.JSON;
        }
        if (base.equals(YAML) || base.equals(X_YAML) || base.equals(TEXT_YAML) || base.equals("text/x-yaml")
                || base.endsWith("+yaml")) {
            return SpecParser.Format.YAML;
        }
        throw new ApiException(415, "unsupported Content-Type \"" + base + "\": send application/yaml or application/json");
    }
}
