package dev.corral.runtime;

import java.util.Map;

/**
 * One engine event about something Corral owns: its type ({@code container}, {@code network}),
 * action ({@code die}, {@code oom}, {@code destroy}, {@code health_status: healthy}, ...) and the
 * actor's attributes, which carry its labels and, for {@code die}, {@code exitCode}.
 */
public record RuntimeEvent(String type, String action, String actorId, Map<String, String> attributes) {
}
