package dev.corral.spec.model;

import java.util.Locale;

/**
 * How tightly a container is confined ({@code isolation} on Relics, Agents and Tools; the JSON value
 * is the constant's name in lower case). Each level is the one before it and more:
 * <ul>
 *   <li>{@code minimal}: limits only (memory, CPU, processes, files, disk I/O, log size);</li>
 *   <li>{@code standard}: and a run's lock-down: every capability dropped, no privilege escalation, a
 *       read-only root file system with writable {@code /tmp} and volumes, a non-root user, an init
 *       process;</li>
 *   <li>{@code strict}: and a gVisor sandbox (the engine's {@code runsc} runtime): a kernel of its own
 *       between the container and the host's. Refused, never weakened, where the engine has none.</li>
 * </ul>
 */
public enum Isolation {
    minimal, standard, strict;

    /** A Relic's or Agent's when its spec names none (from before the field existed, too). */
    public static final Isolation CONTAINER_DEFAULT = minimal;
    /** A Tool's: its runs execute code Corral did not write. */
    public static final Isolation TOOL_DEFAULT = standard;

    public boolean atLeast(Isolation other) {
        return compareTo(other) >= 0;
    }

    public static Isolation parse(String value, Isolation fallback) {
        return value == null || value.isEmpty() ? fallback : valueOf(value.toLowerCase(Locale.ROOT));
    }
}
