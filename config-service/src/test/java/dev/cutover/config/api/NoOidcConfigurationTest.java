package dev.cutover.config.api;

import dev.cutover.testing.security.Tokens;
import dev.cutover.testing.security.WithoutOidc;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;

/** A service started without any OIDC configuration refuses every call instead of running open. */
@QuarkusTest
@TestProfile(NoOidcConfigurationTest.NoOidc.class)
class NoOidcConfigurationTest {

    public static class NoOidc implements QuarkusTestProfile, WithoutOidc {
    }

    @Test
    void everyApiCallIsRefused() {
        given().auth().none().get("/environments").then().statusCode(401);
        given().auth().oauth2(Tokens.admin()).get("/environments").then().statusCode(401);
        given().auth().oauth2(Tokens.admin()).get("/environments/staging/config").then().statusCode(401);
        given().auth().none().get("/q/health/live").then().statusCode(200);
    }
}
