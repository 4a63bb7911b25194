package dev.corral.spec;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The kinds of object Corral manages, and whether each lives inside a Session. */
public enum Kind {
    Session(Scope.FORBIDDEN),
    Relic(Scope.REQUIRED),
    Agent(Scope.FORBIDDEN),
    Tool(Scope.FORBIDDEN),
    ToolRun(Scope.OPTIONAL);

    /** Whether {@code metadata.session} must, may or must not be set for a kind. */
    public enum Scope { REQUIRED, OPTIONAL, FORBIDDEN }

    private final Scope sessionScope;

    Kind(Scope sessionScope) {
        this.sessionScope = sessionScope;
    }

    public Scope sessionScope() {
        return sessionScope;
    }

    /** The lower-case name used in URL paths ({@code /specs/relic/...}). */
    public String pathName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Finds a kind by its exact name ({@code Relic}) as written in specs. */
    public static Optional<Kind> ofSpecName(String name) {
        // A switch, not a search: the loop asks this of every container's labels, many times per resync.
        return switch (name == null ? "" : name) {
            case "Session" -> Optional.of(Session);
            case "Relic" -> Optional.of(Relic);
            case "Agent" -> Optional.of(Agent);
            case "Tool" -> Optional.of(Tool);
            case "ToolRun" -> Optional.of(ToolRun);
            default -> Optional.empty();
        };
    }

    /** Finds a kind by its lower-case path name ({@code relic}). */
    public static Optional<Kind> ofPathName(String name) {
        return Arrays.stream(values()).filter(k -> k.pathName().equals(name)).findFirst();
    }
}
