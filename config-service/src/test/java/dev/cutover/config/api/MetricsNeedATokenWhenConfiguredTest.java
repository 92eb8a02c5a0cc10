package dev.cutover.config.api;

import java.util.Map;

import dev.cutover.testing.security.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;

/** {@code cutover.metrics.policy=authenticated} puts /q/metrics behind a token too; health stays open. */
@QuarkusTest
@TestProfile(MetricsNeedATokenWhenConfiguredTest.AuthenticatedMetrics.class)
class MetricsNeedATokenWhenConfiguredTest {

    public static class AuthenticatedMetrics implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("cutover.metrics.policy", "authenticated");
        }
    }

    @Test
    void metricsNeedAToken() {
        given().auth().none().get("/q/metrics").then().statusCode(401).contentType("application/problem+json");
        given().auth().oauth2(Tokens.grant("viewer", "*", "*")).get("/q/metrics").then().statusCode(200);
        given().auth().none().get("/q/health/ready").then().statusCode(200);
    }
}
