package dev.corral.spec.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A ToolRun's spec, read once from the validated JSON. Exactly one of {@code tool} and
 * {@code language} is set (the schema's rule). The schema gives a run no defaults: a tool run
 * takes what it leaves out from its Tool, a language run from Corral's settings.
 *
 * @param parameters      a tool run's parameters object, null when none (and for language runs)
 * @param timeoutSeconds  null when the run sets none
 * @param ttlSecondsAfterFinished null when the run sets none
 */
public record ToolRunSpec(String tool, String language, String code, JsonNode parameters, Long timeoutSeconds,
                          Long ttlSecondsAfterFinished, boolean keepContainer) {

    /**
     * How long a finished language run's record is kept when it says nothing: the Tool schema's
     * default ({@code KindSchemas.tool()}), which a language run has no Tool to take from.
     */
    public static final long DEFAULT_TTL_SECONDS = 3600;

    /** The annotation {@code POST /runs/{name}/cancel} sets: cancelling is declared, like everything else. */
    public static final String CANCEL_ANNOTATION = "corral.dev/cancel";

    /** @param spec the {@code spec} of a ToolRun that went through {@code SpecValidator} */
    public static ToolRunSpec of(JsonNode spec) {
        return new ToolRunSpec(text(spec, "tool"), text(spec, "language"), text(spec, "code"),
                spec.hasNonNull("parameters") ? spec.get("parameters") : null, number(spec, "timeoutSeconds"),
                number(spec, "ttlSecondsAfterFinished"), spec.path("keepContainer").asBoolean(false));
    }

    public boolean languageRun() {
        return language != null;
    }

    /** The run's own TTL, else its Tool's; {@link #DEFAULT_TTL_SECONDS} for a language run that sets none. */
    public long ttlSeconds(ToolSpec toolSpec) {
        return ttlSecondsAfterFinished != null ? ttlSecondsAfterFinished
                : toolSpec != null ? toolSpec.ttlSecondsAfterFinished() : DEFAULT_TTL_SECONDS;
    }

    private static String text(JsonNode spec, String field) {
        return spec.hasNonNull(field) ? spec.get(field).asText() : null;
    }

    private static Long number(JsonNode spec, String field) {
        return spec.hasNonNull(field) ? spec.get(field).asLong() : null;
    }
}
