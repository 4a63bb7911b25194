package dev.corral.converge.runs;

import dev.corral.support.Rest;
import dev.corral.support.Specs;
import dev.corral.testing.EngineTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

/** One run at a time, one waiting: the third is refused with 429 and Retry-After, and waiting runs start in turn. */
@EngineTest
@QuarkusTest
@TestProfile(RunCapacityTest.OneSlot.class)
class RunCapacityTest {

    static {
        Rest.configure();
    }

    public static class OneSlot implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("corral.runs.max-concurrent", "1", "corral.runs.max-queued", "1",
                    "corral.data-dir", "target/corral-test-data-capacity");
        }
    }

    static String post(String code) {
        return given().contentType(ContentType.JSON).body(Map.of("language", "bash", "code", code))
                .post("/runs").then().statusCode(201).extract().path("metadata.name");
    }

    @Test
    void runsBeyondTheSlotsWaitAndBeyondTheQueueAreRefused() {
        String first = post("sleep 30");
        await().atMost(Specs.CONVERGE).until(() -> "Running".equals(given().get("/runs/" + first).path("status.phase")));
        String second = post("echo second");
        await().atMost(Specs.CONVERGE).until(() -> "Pending".equals(given().get("/runs/" + second).path("status.phase")));
        given().contentType(ContentType.JSON).body(Map.of("language", "bash", "code", "echo third"))
                .post("/runs").then().statusCode(429).header("Retry-After", notNullValue());
        given().post("/runs/" + first + "/cancel").then().statusCode(202);
        await().atMost(Specs.CONVERGE).until(() -> "Succeeded".equals(given().get("/runs/" + second).path("status.phase")));
        given().get("/runs/" + first).then().body("status.phase", equalTo("Cancelled"));
    }
}
