package dev.corral.ownership;

import dev.corral.spec.Kind;
import dev.corral.spec.ObjectKey;

/**
 * Deterministic, readable engine names. Because names are derived from keys, a second create of
 * the same object hits a 409 instead of making a duplicate.
 */
public final class ResourceNames {

    private static final String NETWORK_PREFIX = "corral-session-";

    private ResourceNames() {
    }

    public static String network(String session) {
        return NETWORK_PREFIX + session;
    }

    /** The Session whose network this is, when it is one of Corral's session networks. */
    public static java.util.Optional<ObjectKey> sessionOfNetwork(String network) {
        return network != null && network.startsWith(NETWORK_PREFIX) && network.length() > NETWORK_PREFIX.length()
                ? java.util.Optional.of(ObjectKey.of(Kind.Session, null, network.substring(NETWORK_PREFIX.length())))
                : java.util.Optional.empty();
    }

    public static String container(ObjectKey key) {
        return key.session() == null
                ? "corral-" + key.kind().pathName() + "-" + key.name()
                : "corral-" + key.kind().pathName() + "-" + key.session() + "-" + key.name();
    }

    /** Volumes are scoped to the session: relics of one session that name the same volume share it. */
    public static String volume(String session, String volume) {
        return "corral-vol-" + session + "-" + volume;
    }

    /** Agent volumes have no session: they are scoped to the agent. */
    public static String agentVolume(String agent, String volume) {
        return "corral-vol-agent-" + agent + "-" + volume;
    }

    /**
     * Whether the engine chose this volume's name: 64 hex digits, as Docker and Podman name the
     * anonymous volume a container's mount makes (a run's workspace). Corral names every volume it
     * creates itself ({@link #volume}, {@link #agentVolume}), so such a name is never a Session's.
     * (Podman gives its anonymous volumes no labels, so on Podman Corral's label filter never lists
     * them and the sweep that uses this finds none.)
     */
    public static boolean anonymousVolume(String name) {
        return name != null && name.length() == 64
                && name.chars().allMatch(ch -> ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'f');
    }

    public static boolean containerKind(Kind kind) {
        return kind == Kind.Relic || kind == Kind.Agent;
    }
}
