package dev.cutover.orchestrator.api;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-client limit on state-changing calls, with a limit low enough to meet: 3 at once, then 1 per 20 s. */
@QuarkusTest
@TestProfile(RateLimitTest.Profile.class)
class RateLimitTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("cutover.orchestrator.rate-limit.requests-per-second", "0.05",
                    "cutover.orchestrator.rate-limit.burst", "3");
        }
    }

    @Test
    void postsOverTheLimitAre429WithRetryAfterWhileReadsGoOn() {
        // invalid bodies: each is still a state-changing call, and starts nothing
        given().contentType(ContentType.JSON).body("{}").when().post("/deployments").then().statusCode(400);
        given().contentType(ContentType.JSON).body("{}").when().post("/deployments").then().statusCode(400);
        given().when().post("/deployments/nope/abort").then().statusCode(404);
        String retryAfter = given().contentType(ContentType.JSON).body("{}").when().post("/deployments").then()
                .statusCode(429)
                .contentType(startsWith(Problem.MEDIA_TYPE))
                .body("status", equalTo(429))
                .body("type", equalTo("https://cutover.dev/problems/rate-limited"))
                .extract().header("Retry-After");
        long seconds = Long.parseLong(retryAfter);
        assertTrue(seconds >= 1 && seconds <= 20, retryAfter);
        given().when().post("/deployments/nope/redeploy").then().statusCode(429).header("Retry-After", notNullValue());
        given().when().get("/deployments").then().statusCode(200);
        given().when().get("/deployments/nope").then().statusCode(404);
    }
}
