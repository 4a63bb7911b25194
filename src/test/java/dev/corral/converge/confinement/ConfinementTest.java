package dev.corral.converge.confinement;

import dev.corral.support.Docker;
import dev.corral.support.Rest;
import dev.corral.support.Specs;
import dev.corral.testing.EngineTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static dev.corral.support.Specs.apply;
import static dev.corral.support.Specs.awaitPhase;
import static dev.corral.support.Specs.session;
import static dev.corral.support.Specs.unique;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Isolation levels, limits, log rotation, profiles and labels on the real engine: what each spec field
 * asks for is what the engine's container has, and what it forbids is refused inside.
 */
@EngineTest
@QuarkusTest
class ConfinementTest {

    static {
        Rest.configure();
    }

    static String relic(String session, String name, String metadata, String extra) {
        return """
                apiVersion: corral.dev/v1
                kind: Relic
                metadata: {name: %s, session: %s%s}
                spec:
                  image: corral/busybox:latest
                  command: [sleep, "3600"]
                %s
                """.formatted(name, session, metadata, extra.indent(2).stripTrailing());
    }

    static JsonPath run(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).queryParam("wait", true).queryParam("timeout", "60s").body(body)
                .post("/runs").then().statusCode(201).extract().jsonPath();
    }

    static String tool(String name, String spec) {
        return """
                apiVersion: corral.dev/v1
                kind: Tool
                metadata: {name: %s}
                spec:
                  image: corral/busybox:latest
                %s
                """.formatted(name, spec.indent(2).stripTrailing());
    }

    @Test
    void eachLevelAndLimitIsWhatTheEngineGives() {
        String s = unique("conf");
        apply(session(s) + "---\n" + relic(s, "min", "", "")
                + "---\n" + relic(s, "std", ", labels: {team: search}", """
                isolation: standard
                resources: {openFiles: 256, processes: 4096, diskWriteBps: 1048576}
                logs: {maxSizeMb: 1, maxFiles: 2}"""));
        JsonPath min = awaitPhase("relic/" + s + "/min", "Ready");
        JsonPath std = awaitPhase("relic/" + s + "/std", "Ready");
        String minC = "corral-relic-" + s + "-min";
        String stdC = "corral-relic-" + s + "-std";

        // minimal: limits only, and the default log rotation.
        assertEquals("false", Docker.inspect(minC, "{{.HostConfig.ReadonlyRootfs}}"));
        assertEquals("", Docker.inspect(minC, "{{.Config.User}}"));
        assertEquals("json-file 10m 3", Docker.inspect(minC,
                "{{.HostConfig.LogConfig.Type}} {{index .HostConfig.LogConfig.Config \"max-size\"}} {{index .HostConfig.LogConfig.Config \"max-file\"}}"));
        assertEquals("minimal", min.getString("spec.isolation"), "the default, written into the stored spec");

        // standard: the lock-down, and every limit asked for.
        assertEquals("true", Docker.inspect(stdC, "{{.HostConfig.ReadonlyRootfs}}"));
        assertEquals("65534:65534", Docker.inspect(stdC, "{{.Config.User}}"));
        assertEquals("[ALL]", Docker.inspect(stdC, "{{.HostConfig.CapDrop}}"));
        assertTrue(Docker.inspect(stdC, "{{.HostConfig.SecurityOpt}}").contains("no-new-privileges"));
        assertEquals("true", Docker.inspect(stdC, "{{.HostConfig.Init}}"));
        assertEquals("json-file 1m 2", Docker.inspect(stdC,
                "{{.HostConfig.LogConfig.Type}} {{index .HostConfig.LogConfig.Config \"max-size\"}} {{index .HostConfig.LogConfig.Config \"max-file\"}}"));
        assertEquals("1048576", Docker.inspect(stdC, "{{range .HostConfig.BlkioDeviceWriteBps}}{{.Rate}}{{end}}"));
        assertEquals("search", Docker.inspect(stdC, "{{index .Config.Labels \"label.corral.dev/team\"}}"));
        assertEquals("256\n4096", Docker.run("exec", stdC, "sh", "-c", "ulimit -n; ulimit -u").strip());
        assertFalse(Docker.tryRun("exec", "-u", "0", stdC, "touch", "/etc/x").exit() == 0, "its root file system is read-only");
        assertEquals(0, Docker.tryRun("exec", stdC, "touch", "/tmp/x").exit(), "/tmp is writable");

        // startedAt while it runs; stoppedAt once stopped.
        assertNotNull(std.getString("status.startedAt"), std.prettify());
        apply(relic(s, "min", "", "state: Stopped"));
        JsonPath stopped = awaitPhase("relic/" + s + "/min", "Stopped");
        assertNotNull(stopped.getString("status.stoppedAt"), stopped.prettify());
        assertTrue(java.time.Instant.parse(stopped.getString("status.stoppedAt"))
                .isAfter(java.time.Instant.parse(min.getString("status.startedAt"))), stopped.prettify());
        Specs.delete("session/" + s);
    }

    @Test
    void aNamedSeccompProfileForbidsWhatItNamesAndUnconfinedIsRefused() throws IOException {
        Path dir = Path.of("target/test-seccomp");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("nomkdir.json"), """
                {"defaultAction": "SCMP_ACT_ALLOW",
                 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}
                """);
        String t = unique("sec");
        apply(tool(t, """
                command: [sh, -c, "mkdir /tmp/d && echo made || echo denied"]
                security: {seccomp: nomkdir}"""));
        JsonPath r = run(Map.of("tool", t));
        assertEquals("Succeeded", r.getString("status.phase"), r.prettify());
        assertEquals("denied\n", r.getString("status.stdout"), r.prettify());

        String open = unique("open");
        apply(tool(open, "command: [sh, -c, \"mkdir /tmp/d && echo made\"]"));
        assertEquals("made\n", run(Map.of("tool", open)).getString("status.stdout"), "the default profile allows it");

        given().contentType("application/yaml").body(tool(unique("x"), "security: {seccomp: unconfined}")).put("/specs")
                .then().statusCode(greaterThanOrEqualTo(400)).statusCode(lessThan(500))
                .body("details[0].path", equalTo("spec.security.seccomp"));
        given().contentType("application/yaml").body(tool(unique("x"), "security: {seccomp: nosuch}")).put("/specs")
                .then().statusCode(greaterThanOrEqualTo(400)).statusCode(lessThan(500))
                .body("details[0].path", equalTo("spec.security.seccomp"));
        given().contentType("application/yaml").body(tool(unique("x"), "isolation: paranoid")).put("/specs")
                .then().statusCode(400).body("details[0].path", equalTo("spec.isolation"));
    }

    @Test
    void strictRunsInGVisorWhereTheEngineHasItAndIsRefusedWhereItDoesNot() {
        boolean runsc = Docker.run("info", "--format", "{{json .Runtimes}}").contains("\"runsc\"");
        String t = unique("strict");
        apply(tool(t, "command: [uname, -r]\nisolation: strict"));
        JsonPath r = run(Map.of("tool", t));
        if (runsc) {
            assertEquals("Succeeded", r.getString("status.phase"), r.prettify());
            String host = Docker.run("run", "--rm", "--network=none", "corral/busybox:latest", "uname", "-r").strip();
            assertFalse(r.getString("status.stdout").strip().equals(host),
                    "gVisor's own kernel answers, not the host's (" + host + "): " + r.prettify());
        } else {
            assertEquals("Failed", r.getString("status.phase"), r.prettify());
            assertTrue(r.getString("status.message").contains("isolation: strict needs the engine's runsc runtime"),
                    r.prettify());
        }
    }
}
