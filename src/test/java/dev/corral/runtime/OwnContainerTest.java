package dev.corral.runtime;

import dev.corral.runtime.ContainerRuntime;
import dev.corral.runtime.SelfContainer;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Corral's own container joins the networks it probes on once, and leaves them before they are removed. */
class OwnContainerTest {

    private final List<String> calls = new ArrayList<>();

    private ContainerRuntime engine(Optional<SelfContainer> self) {
        return (ContainerRuntime) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{ContainerRuntime.class},
                (p, m, args) -> switch (m.getName()) {
                    case "findSelf" -> {
                        calls.add("findSelf");
                        yield self;
                    }
                    case "connect", "disconnect" -> {
                        calls.add(m.getName() + " " + args[0] + " " + args[1]);
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    @Test
    void onTheHostNothingIsJoinedAndEveryPathIsTheHosts() {
        OwnContainer own = new OwnContainer(engine(Optional.empty()));
        assertTrue(own.reaches("corral-session-s1", "n1"));
        own.join("corral-session-s1", "n1");
        own.leave("corral-session-s1", "n1", false);
        assertNull(own.hostPathProblem("/anywhere/agents/x"));
        assertEquals(List.of("findSelf"), calls, "looked up once, nothing else");
    }

    @Test
    void inAContainerEachProbedNetworkIsJoinedOnceAndLeftBeforeItsRemoval() {
        SelfContainer self = new SelfContainer("c0", Map.of("own", "n0"),
                Map.of(Path.of("/srv/corral/agents"), Path.of("/srv/corral/agents")));
        OwnContainer own = new OwnContainer(engine(Optional.of(self)));
        assertTrue(own.reaches("own", "n0"));
        assertFalse(own.reaches("corral-session-s1", "n1"));
        own.join("corral-session-s1", "n1");
        own.join("corral-session-s1", "n1");
        own.join("bridge", null);
        assertTrue(own.reaches("corral-session-s1", "n1"));
        assertTrue(own.is("c0"));
        own.leave("corral-session-s1", "n1", false);
        own.leave("corral-session-s2", "n2", false); // never joined: no call
        own.join("corral-session-s1", "n1");         // re-created later: joined again
        own.forget("corral-session-s1", "n1");       // cut off behind Corral's back
        assertFalse(own.reaches("corral-session-s1", "n1"));
        assertEquals(List.of("findSelf", "connect n1 c0", "connect bridge c0", "disconnect n1 c0", "connect n1 c0"), calls);

        assertNull(own.hostPathProblem("/srv/corral/agents/hello"));
        assertTrue(own.hostPathProblem("/deployments/agents/hello").contains("not in a directory mounted"));
    }
}
