package dev.corral.runtime;

import java.util.Map;

/**
 * The labels on every container, network and volume Corral creates: how it finds what it owns.
 * Anything without {@link #MANAGED}{@code =true} is never touched.
 */
public final class Labels {

    /** {@code true} on everything Corral created. */
    public static final String MANAGED = "corral.dev/managed";
    /** The owning object's kind ({@code Relic}, {@code Agent}, {@code Session}, ...). */
    public static final String KIND = "corral.dev/kind";
    /** The owning object's name. */
    public static final String NAME = "corral.dev/name";
    /** The owning object's session, for session-scoped resources (and the session network). */
    public static final String SESSION = "corral.dev/session";
    /** The owning object's uid: a re-created object with the same name does not adopt the old one's containers. */
    public static final String UID = "corral.dev/uid";
    /** Hash of the fields that require re-creation; a different hash means re-create. */
    public static final String SPEC_HASH = "corral.dev/spec-hash";
    /**
     * Hash of the object's own labels as copied onto the container ({@link #USER_PREFIX}): kept apart from
     * the spec-hash so that containers made before labels were copied (which have none) are kept on upgrade.
     */
    public static final String LABELS_HASH = "corral.dev/labels-hash";
    /** On a warm pool's containers (owned by the Tool, or by a language runner pool). */
    public static final String POOL = "corral.dev/pool";
    /**
     * On a warm container kept at a Swarm node's own engine ({@code corral.engine.node-engines}): the node's
     * name. A pool keeps only its node's containers: the manager's engine may be one of the nodes.
     */
    public static final String NODE = "corral.dev/node";
    /**
     * {@code true} on the holder of a prepared run workspace (dev.corral.runs.WorkspaceStock): a container created and
     * never started, only to carry an anonymous volume ready for a cold run. Not {@link #MANAGED}: the loop never sees
     * it; the stock removes its own, and strays of a process that stopped without removing them.
     */
    public static final String WORKSPACE_HOLDER = "corral.dev/workspace-holder";
    /** The subnet a session network was given from Corral's pool. */
    public static final String SUBNET = "corral.dev/subnet";

    /**
     * Which Corral installation owns it ({@code corral.instance}): two Corrals on one engine
     * (a second data directory, a test run next to a dev instance) never see, adopt or collect
     * each other's resources.
     */
    public static final String INSTANCE = "corral.dev/instance";

    /**
     * Prefix of an object's own {@code metadata.labels} on its containers ({@code team: search} becomes
     * {@code label.corral.dev/team=search}): outside {@code corral.dev/}, so no user label can pose as one
     * of Corral's.
     */
    public static final String USER_PREFIX = "label.corral.dev/";

    /** The filter value of every label-filtered list call. */
    public static final String MANAGED_FILTER = MANAGED + "=true";

    private Labels() {
    }

    public static boolean managed(Map<String, String> labels) {
        return labels != null && "true".equals(labels.get(MANAGED));
    }
}
