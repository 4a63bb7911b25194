package dev.corral.swarm;

import dev.corral.runtime.ObservedNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where a node's warm pool is kept: Swarm's placement constraints, read as its scheduler does. */
class NodeConstraintsTest {

    static final ObservedNode WORKER = new ObservedNode("id2", "corral-node2", "ready", "active", "worker",
            Map.of("zone", "eu", "gpu", "yes"));

    @Test
    void noConstraintsAllowEveryNode() {
        assertTrue(NodeConstraints.allow(List.of(), WORKER));
    }

    @Test
    void hostnameIdAndRoleWithEqualOrNot() {
        assertTrue(NodeConstraints.allow(List.of("node.hostname==corral-node2"), WORKER));
        assertFalse(NodeConstraints.allow(List.of("node.hostname==corral-node3"), WORKER));
        assertTrue(NodeConstraints.allow(List.of("node.hostname!=corral-node3"), WORKER));
        assertTrue(NodeConstraints.allow(List.of("node.id==id2"), WORKER));
        assertTrue(NodeConstraints.allow(List.of("node.role==worker"), WORKER));
        assertFalse(NodeConstraints.allow(List.of("node.role == manager"), WORKER));
    }

    @Test
    void labelsAndAMissingLabelIsUnequalToEveryValue() {
        assertTrue(NodeConstraints.allow(List.of("node.labels.zone==eu", "node.labels.gpu==yes"), WORKER));
        assertFalse(NodeConstraints.allow(List.of("node.labels.zone==eu", "node.labels.gpu==no"), WORKER), "all must hold");
        assertFalse(NodeConstraints.allow(List.of("node.labels.rack==r1"), WORKER));
        assertTrue(NodeConstraints.allow(List.of("node.labels.rack!=r1"), WORKER));
    }

    @Test
    void whatIsNotKnownHereKeepsNoPool() {
        // engine labels and platform are not in the node listing Corral reads: no pool there, runs go as Swarm jobs.
        assertFalse(NodeConstraints.allow(List.of("engine.labels.os==linux"), WORKER));
        assertFalse(NodeConstraints.allow(List.of("node.platform.os==linux"), WORKER));
        assertFalse(NodeConstraints.allow(List.of("garbage"), WORKER));
    }

    @Test
    void nodeEnginesAreHostnameEqualsHost() {
        var hosts = NodeEngines.parse(List.of("corral-node2=unix:///run/n2.sock", " corral-node3 = tcp://10.0.0.3:2376"));
        org.junit.jupiter.api.Assertions.assertEquals(Map.of("corral-node2", "unix:///run/n2.sock",
                "corral-node3", "tcp://10.0.0.3:2376"), hosts);
        var bad = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> NodeEngines.parse(List.of("unix:///run/n2.sock")));
        assertTrue(bad.getMessage().contains("is not HOSTNAME=DOCKER_HOST"), bad.getMessage());
        assertThrows(() -> NodeEngines.parse(List.of("a=x", "a=y")), "given twice");
    }

    private static void assertThrows(org.junit.jupiter.api.function.Executable e, String says) {
        var x = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().contains(says), x.getMessage());
    }
}
