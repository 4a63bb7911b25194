package dev.corral.runtime;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** How Corral finds the container it runs in, and how it names host paths from inside it. */
class SelfContainerTest {

    private static final String ID = "e2040bf4148cbc5e5c5e5067de86997d2f1400744dda6b8590eee609e9a2109d";

    @Test
    void theContainerIdComesFromTheEnginesBindMountsThenCgroupV1ThenTheHostname() {
        String mountinfo = """
                22 27 0:21 / /proc rw,relatime - proc proc rw
                135 118 254:0 /var/lib/docker/containers/%s/resolv.conf /etc/resolv.conf rw,relatime - ext4 /dev/vda rw
                136 118 254:0 /var/lib/docker/containers/%s/hostname /etc/hostname rw,relatime - ext4 /dev/vda rw
                """.formatted(ID, ID);
        assertEquals(List.of(ID, "e2040bf4148c"), SelfContainer.candidates(mountinfo, "0::/\n", "e2040bf4148c\n"));
        String other = ID.replace('e', 'a');
        assertEquals(List.of(other), SelfContainer.candidates("", "12:memory:/docker/" + other + "\n", "myhost"));
        assertEquals(List.of(other), SelfContainer.candidates("", "0::/system.slice/docker-" + other + ".scope\n", ""));
        // On a host: nothing that looks like a container, so no engine call is made.
        assertEquals(List.of(), SelfContainer.candidates("22 27 0:21 / /proc rw - proc proc rw\n", "0::/init.scope\n", "debian\n"));
    }

    @Test
    void aPathIsTheHostsOnlyInADirectoryMountedFromTheSamePath() {
        SelfContainer self = new SelfContainer(ID, Map.of(), Map.of(
                Path.of("/srv/corral/agents"), Path.of("/srv/corral/agents"),
                Path.of("/srv/elsewhere"), Path.of("/home/me/agents"),
                Path.of("/var/run/docker.sock"), Path.of("/var/run/docker.sock")));
        assertEquals(Path.of("/srv/corral/agents/hello"), self.sameOnHost(Path.of("/srv/corral/agents/hello")));
        assertNull(self.sameOnHost(Path.of("/srv/elsewhere/hello")));
        assertEquals(Path.of("/home/me/agents/hello"), self.hostSource(Path.of("/srv/elsewhere/hello")));
        assertNull(self.sameOnHost(Path.of("/deployments/agents/hello")));
        assertNull(self.hostSource(Path.of("/deployments/agents/hello")));
        // A prefix of a name is not a parent directory.
        assertNull(self.sameOnHost(Path.of("/srv/corral/agents2/x")));
    }
}
