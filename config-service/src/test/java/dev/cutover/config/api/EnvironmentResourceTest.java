package dev.cutover.config.api;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.startsWith;

/** Operators can see what an environment resolves to and where each value comes from. */
@QuarkusTest
class EnvironmentResourceTest {

    @Test
    void listsEnvironments() {
        given().get("/environments").then().statusCode(200)
                .body("$", hasItems("development", "staging", "production"));
    }

    @Test
    void showsResolvedConfigurationWithProvenance() {
        given().get("/environments/production/config").then().statusCode(200)
                .body("configHash", startsWith("sha256:"))
                .body("config.router.port", equalTo(0)) // each application's own, or from the provisioner's pool
                .body("provenance.'router.port'", equalTo("base"))
                .body("provenance.'health.interval-ms'", equalTo("base"));
    }

    @Test
    void unknownEnvironmentIsAProblem() {
        given().get("/environments/prod/config").then().statusCode(404)
                .contentType("application/problem+json")
                .body("detail", startsWith("unknown environment 'prod'"));
    }
}
