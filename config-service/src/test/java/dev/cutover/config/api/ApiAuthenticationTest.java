package dev.cutover.config.api;

import dev.cutover.testing.security.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/** The API answers only calls with a valid bearer token; refusals are 401 problem+json; health stays open. */
@QuarkusTest
class ApiAuthenticationTest {

    private static void refused(String token) {
        var request = token == null ? given().auth().none() : given().auth().oauth2(token);
        request.get("/environments").then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("status", equalTo(401));
    }

    @Test
    void noTokenExpiredWrongIssuerWrongAudienceAndForeignKeyAreRefused() {
        refused(null);
        refused(Tokens.expired());
        refused(Tokens.wrongIssuer());
        refused(Tokens.wrongAudience());
        refused(Tokens.foreignKey());
        refused("not-a-jwt");
    }

    @Test
    void aValidTokenIsAccepted() {
        given().auth().oauth2(Tokens.grant("viewer", "*", "*")).get("/environments").then().statusCode(200);
        given().get("/environments/staging/config").then().statusCode(200); // the default admin token
    }

    @Test
    void healthAndMetricsNeedNoToken() {
        given().auth().none().get("/q/health/ready").then().statusCode(200);
        given().auth().none().get("/q/metrics").then().statusCode(200);
    }
}
