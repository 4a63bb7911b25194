package dev.corral.containers;

import dev.corral.runtime.Labels;
import dev.corral.runtime.ObservedContainer;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.corral.containers.PlannerTest.ID_A;
import static dev.corral.containers.PlannerTest.ID_B;
import static dev.corral.containers.PlannerTest.plainRelic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Pins the one "is this our current container" rule that the observer, the planner and the
 * executor share: the lenient rule on the uid label (none is fine, another is not).
 */
class CurrentContainerTest {

    static Map<String, String> labels(DesiredContainer d, String uid) {
        Map<String, String> l = new HashMap<>(d.request().labels());
        if (uid == null) {
            l.remove(Labels.UID);
        } else {
            l.put(Labels.UID, uid);
        }
        return l;
    }

    @Test
    void sameUidAndHashIsCurrent() {
        DesiredContainer d = plainRelic();
        assertNull(CurrentContainer.mismatch(d, d.name(), d.request().labels(), "running"));
    }

    @Test
    void noUidLabelIsCurrent() {
        DesiredContainer d = plainRelic();
        assertNull(CurrentContainer.mismatch(d, d.name(), labels(d, null), "exited"));
    }

    @Test
    void anotherUidIsAnEarlierObjects() {
        DesiredContainer d = plainRelic();
        assertEquals("left by an earlier object of the same name",
                CurrentContainer.mismatch(d, d.name(), labels(d, "uid-0"), "running"));
    }

    @Test
    void nameHashAndStateCount() {
        DesiredContainer d = plainRelic();
        assertEquals("unexpected name x", CurrentContainer.mismatch(d, "x", d.request().labels(), "running"));
        Map<String, String> l = labels(d, "uid-1");
        l.put(Labels.SPEC_HASH, "0000000000000000");
        assertEquals("spec-hash changed", CurrentContainer.mismatch(d, d.name(), l, "running"));
        assertEquals("container is dead", CurrentContainer.mismatch(d, d.name(), d.request().labels(), "dead"));
    }

    @Test
    void theFirstMatchingIsKept() {
        DesiredContainer d = plainRelic();
        ObservedContainer other = new ObservedContainer(ID_A, d.name(), labels(d, "uid-0"), "running");
        ObservedContainer ours = new ObservedContainer(ID_B, d.name(), labels(d, null), "running");
        assertEquals(ours, CurrentContainer.among(d, List.of(other, ours)).orElseThrow());
    }
}
