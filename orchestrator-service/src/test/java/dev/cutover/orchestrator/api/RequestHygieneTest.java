package dev.cutover.orchestrator.api;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/**
 * What a REST body may carry besides its rules: an artifact digest ({@code sha256}), no field the body does not have,
 * no override of the artifact policy, and no more than the body limit; each refusal is problem+json.
 */
@QuarkusTest
class RequestHygieneTest {

    private static final String PROBLEM = "application/problem+json";
    static final String SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private static ValidatableResponse post(String body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/deployments").then();
    }

    private static String request(String app, String extra) {
        return "{\"application\":\"" + app + "\",\"environment\":\"dev\",\"version\":\"1.0.0\",\"artifact\":\"a.jar\""
                + extra + "}";
    }

    private static void assertInvalid(ValidatableResponse r, String field) {
        r.statusCode(400).contentType(startsWith(PROBLEM)).body("status", equalTo(400))
                .body("violations.field", contains(field));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a0",
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08a",
            "zf86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", " "})
    void aMalformedDigestIsNamed(String sha256) {
        assertInvalid(post(request("hy-bad-sha", ",\"sha256\":\"" + sha256 + "\"")), "sha256");
    }

    @Test
    void aDigestOfTheWrongTypeIsNamed() {
        assertInvalid(post(request("hy-num-sha", ",\"sha256\":42")), "sha256");
    }

    @Test
    void aWellFormedDigestIsAcceptedAndShownInLowerCase() {
        String id = post(request("hy-good-sha", ",\"sha256\":\"" + SHA256.toUpperCase() + "\"")).statusCode(202)
                .extract().path("id");
        given().when().get("/deployments/" + id).then().statusCode(200).body("sha256", equalTo(SHA256));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sha265", "overide", "Application"})
    void anUnknownFieldIsNamed(String field) {
        assertInvalid(post(request("hy-unknown", ",\"" + field + "\":\"x\"")), field);
    }

    @Test
    void anUnknownFieldOfAnOperatorActionIsNamed() {
        given().contentType(ContentType.JSON).body("{\"reason\":\"r\",\"reasn\":\"r\"}").when()
                .post("/deployments/no-such-id/pause").then().statusCode(400).contentType(startsWith(PROBLEM))
                .body("violations.field", contains("reasn"));
    }

    @Test
    void theArtifactPolicyCannotBeOverridden() {
        assertInvalid(post(request("hy-policy", ",\"overrides\":{\"artifact\":{\"require-digest\":false}}")),
                "overrides.artifact");
        assertInvalid(post(request("hy-policy", ",\"overrides\":{\"artifact.allowed-sources\":[\"file:///\"]}")),
                "overrides.artifact.allowed-sources");
    }

    @Test
    void anOversizedBodyIs413AsProblemJson() {
        String big = request("hy-big", ",\"overrides\":{\"pad\":\"" + "x".repeat(65 * 1024) + "\"}");
        post(big).statusCode(413).contentType(startsWith(PROBLEM)).body("status", equalTo(413))
                .body("type", equalTo("https://cutover.dev/problems/body-too-large"));
        given().when().get("/deployments").then().statusCode(200).body("application", not(hasItem("hy-big")));
    }

    /** Without a Content-Length (chunked) the limit holds as well: refused, never accepted. */
    @Test
    void anOversizedChunkedBodyIsRefused() throws Exception {
        byte[] big = request("hy-chunked", ",\"overrides\":{\"pad\":\"" + "x".repeat(65 * 1024) + "\"}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.net.http.HttpResponse<String> r;
        try {
            r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://localhost:" + io.restassured.RestAssured.port + "/deployments"))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + dev.cutover.testing.security.Tokens.admin())
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(
                            () -> new java.io.ByteArrayInputStream(big))).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            System.out.println("[figures] chunked oversized body: " + r.statusCode() + " "
                    + r.headers().firstValue("content-type").orElse("-") + " " + r.body());
            org.junit.jupiter.api.Assertions.assertEquals(413, r.statusCode());
        } catch (java.io.IOException closed) {
            System.out.println("[figures] chunked oversized body: connection closed (" + closed + ")");
        }
        given().when().get("/deployments").then().statusCode(200).body("application", not(hasItem("hy-chunked")));
    }
}
