package dev.corral.containers;

import dev.corral.runtime.Labels;
import dev.corral.runtime.ObservedContainer;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * "Is this our current container": the one rule for whether a container an object owns can be
 * kept, used by the observation (which container to inspect and probe), the planner (keep or
 * replace) and the executor (adopt or replace after a name conflict).
 */
final class CurrentContainer {

    private CurrentContainer() {
    }

    /**
     * Why a container cannot be kept as the current one, or null when it can.
     *
     * <p>Its uid label must not name another object: a different uid is a container left by an
     * earlier object of the same name. A container with no uid label at all is kept (the lenient
     * rule): {@code Ownership} writes the label only when the object has a uid, so such a container
     * is one whose spec-hash says it is exactly what is wanted, and replacing it would restart a
     * healthy workload for no change; {@code PlannerTest.containerWithoutUidLabelIsAdopted} pins this.
     *
     * @param state the engine's state word, or null when unknown
     */
    static String mismatch(DesiredContainer d, String name, Map<String, String> labels, String state) {
        if (!d.name().equals(name)) {
            return "unexpected name " + name;
        }
        String uid = labels.get(Labels.UID);
        if (d.uid() != null && uid != null && !d.uid().equals(uid)) {
            return "left by an earlier object of the same name";
        }
        if (!d.hash().equals(labels.get(Labels.SPEC_HASH))) {
            return "spec-hash changed";
        }
        // The engine cannot relabel a container: new labels need a new one (as in compose). One without the
        // label was made before labels were copied, and is kept until something else re-creates it.
        String labelsHash = labels.get(Labels.LABELS_HASH);
        if (labelsHash != null && !labelsHash.equals(d.request().labels().get(Labels.LABELS_HASH))) {
            return "labels changed";
        }
        if ("dead".equals(state) || "removing".equals(state)) {
            return "container is " + state;
        }
        return null;
    }

    static String mismatch(DesiredContainer d, ObservedContainer c) {
        return mismatch(d, c.name(), c.labels(), c.state());
    }

    /** The container to keep among those owned (the first that matches, in the observed order), if any. */
    static Optional<ObservedContainer> among(DesiredContainer d, List<ObservedContainer> owned) {
        return owned.stream().filter(c -> mismatch(d, c) == null).findFirst();
    }
}
