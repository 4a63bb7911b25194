package dev.corral.events;

/** Kubernetes' two event types: {@code Normal} for what is expected, {@code Warning} for what someone may need to look at. */
public enum EventType {
    Normal, Warning
}
