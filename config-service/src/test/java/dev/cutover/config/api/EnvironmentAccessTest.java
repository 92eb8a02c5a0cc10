package dev.cutover.config.api;

import dev.cutover.testing.security.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.hasItems;

/** Any grant reads, limited to the environments it names; no grant at all is 403. */
@QuarkusTest
class EnvironmentAccessTest {

    @Test
    void aScopedViewerSeesOnlyItsEnvironments() {
        String staging = Tokens.grant("viewer", "shop", "staging");
        given().auth().oauth2(staging).get("/environments").then().statusCode(200).body("$", contains("staging"));
        given().auth().oauth2(staging).get("/environments/staging/config").then().statusCode(200);
        given().auth().oauth2(staging).get("/environments/production/config").then().statusCode(404)
                .contentType("application/problem+json");
        given().auth().oauth2(Tokens.grant("deployer", "*", "*")).get("/environments").then().statusCode(200)
                .body("$", hasItems("development", "staging", "production"));
    }

    @Test
    void aTokenWithoutAnyGrantIsForbidden() {
        given().auth().oauth2(Tokens.noGrants()).get("/environments").then().statusCode(403)
                .contentType("application/problem+json");
        given().auth().oauth2(Tokens.forSubject("x", "not-a-grant", "cutover:superuser:*:*"))
                .get("/environments/staging/config").then().statusCode(403).contentType("application/problem+json");
    }
}
