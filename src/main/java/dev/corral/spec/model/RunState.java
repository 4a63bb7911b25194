package dev.corral.spec.model;

/**
 * What a Relic's or Agent's {@code state} asks of its container; the JSON value is the constant's name.
 * Stopped keeps the container (its file system and logs) without running it; Paused freezes its
 * processes in place (the cgroup freezer, {@code docker pause}) and keeps their memory.
 */
public enum RunState {
    Running, Stopped, Paused
}
