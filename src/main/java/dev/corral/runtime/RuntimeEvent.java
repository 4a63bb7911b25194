package dev.corral.runtime;

import java.time.Instant;
import java.util.Map;

/**
 * One engine event about something Corral owns: its type ({@code container}, {@code network}),
 * action ({@code die}, {@code oom}, {@code destroy}, {@code health_status: healthy}, ...), the
 * actor's attributes, which carry its labels and, for {@code die}, {@code exitCode}, and when the
 * engine says it happened.
 */
public record RuntimeEvent(String type, String action, String actorId, Map<String, String> attributes, Instant at) {

    /** An event that happened now. */
    public RuntimeEvent(String type, String action, String actorId, Map<String, String> attributes) {
        this(type, action, actorId, attributes, Instant.now());
    }
}
