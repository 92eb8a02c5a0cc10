package dev.cutover.provisioner.api;

import dev.cutover.testing.security.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.emptyIterable;
import static org.hamcrest.Matchers.startsWith;

/** GET /slots: a bearer token with a grant; only the targets the grant covers; refusals are problems. */
@QuarkusTest
class SlotResourceAccessTest {

    @Test
    void refusedWithoutAValidTokenOrAnyGrant() {
        given().auth().none().get("/slots").then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer"));
        given().auth().oauth2(Tokens.expired()).get("/slots").then().statusCode(401)
                .contentType("application/problem+json");
        given().auth().oauth2(Tokens.wrongAudience()).get("/slots").then().statusCode(401);
        given().auth().oauth2(Tokens.noGrants()).get("/slots").then().statusCode(403)
                .contentType("application/problem+json");
    }

    @Test
    void aScopedTokenSeesOnlyItsTargets() {
        given().auth().oauth2(Tokens.grant("viewer", "no-such-application", "*")).get("/slots").then().statusCode(200)
                .body("$", emptyIterable());
        given().get("/slots").then().statusCode(200); // the default admin token
        given().auth().none().get("/q/health/ready").then().statusCode(200);
    }
}
