package dev.cutover.orchestrator.api;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
class DeploymentResourceTest {

    private static final String PROBLEM = "application/problem+json";

    private static ValidatableResponse post(String body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/deployments").then();
    }

    private static ValidatableResponse assertInvalid(ValidatableResponse r, String... fields) {
        return r.statusCode(400)
                .contentType(startsWith(PROBLEM))
                .body("type", equalTo("https://cutover.dev/problems/invalid-request"))
                .body("title", equalTo("Invalid deployment request"))
                .body("status", equalTo(400))
                .body("detail", notNullValue())
                .body("violations.field", containsInAnyOrder(fields))
                .body("violations.message", everyItem(notNullValue()));
    }

    static Stream<Arguments> missingFields() {
        return Stream.of(
                Arguments.of("application", "{\"environment\":\"dev\",\"version\":\"1\",\"artifact\":\"a.jar\"}"),
                Arguments.of("environment", "{\"application\":\"rest-m\",\"version\":\"1\",\"artifact\":\"a.jar\"}"),
                Arguments.of("version", "{\"application\":\"rest-m\",\"environment\":\"dev\",\"artifact\":\"a.jar\"}"),
                Arguments.of("artifact", "{\"application\":\"rest-m\",\"environment\":\"dev\",\"version\":\"1\"}"),
                Arguments.of("version", "{\"application\":\"rest-m\",\"environment\":\"dev\",\"version\":\"  \",\"artifact\":\"a.jar\"}"));
    }

    @ParameterizedTest(name = "missing {0}")
    @MethodSource("missingFields")
    void missingRequiredFieldIsNamed(String field, String body) {
        assertInvalid(post(body), field).body("violations[0].message", equalTo("must not be blank"));
    }

    @Test
    void everyBadFieldIsNamed() {
        // a value of the wrong JSON type is answered alone: see wrongJsonTypes
        assertInvalid(post("{\"application\":\"Shop!\",\"environment\":\"-x\",\"version\":\"" + "9".repeat(129)
                + "\",\"strategy\":\"big-bang\",\"onConflict\":\"wait\"}"),
                "application", "environment", "version", "artifact", "strategy", "onConflict");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Shop", "shop_app", "-shop", "a/b", "ééé"})
    void invalidNames(String name) {
        assertInvalid(post("{\"application\":\"" + name + "\",\"environment\":\"dev\",\"version\":\"1\",\"artifact\":\"a\"}"),
                "application").body("violations[0].message", containsString("[a-z0-9]"));
        assertInvalid(post("{\"application\":\"rest-n\",\"environment\":\"" + name + "\",\"version\":\"1\",\"artifact\":\"a\"}"),
                "environment");
    }

    @Test
    void anInvalidRestRequestIsCountedAsRejected() {
        double before = rejectedInvalid();
        assertInvalid(post("{\"application\":\"rest-count\"}"), "environment", "version", "artifact");
        assertEquals(before + 1, rejectedInvalid());
    }

    private static double rejectedInvalid() {
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("cutover_deployment_requests_rejected_total\\{kind=\"invalid\"} ([0-9.Ee+-]+)")
                .matcher(given().when().get("/q/metrics").then().statusCode(200).extract().asString());
        return m.find() ? Double.parseDouble(m.group(1)) : 0.0;
    }

    /** A version reaches logs, events and terminals: a newline or an escape sequence in it is refused. */
    @ParameterizedTest
    @ValueSource(strings = {"1.0\\n\\u001b[31m", "1.0 beta", "1.0\\t", "-1.0", "a/b", "1.0\\u0085"})
    void unsafeVersionsAreRefused(String version) {
        assertInvalid(post("{\"application\":\"rest-v\",\"environment\":\"dev\",\"version\":\"" + version
                + "\",\"artifact\":\"a\"}"), "version");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0.0", "2.0.0-rc.1+build.5"})
    void semverLikeVersionsAreAccepted(String version) {
        post("{\"application\":\"rest-v-" + version.length() + "\",\"environment\":\"dev\",\"version\":\""
                + version + "\",\"artifact\":\"a\"}").statusCode(202).body("version", equalTo(version));
    }

    /** quarkus.http.limits.max-body-size: a body over 64 KiB is refused before it is parsed. */
    @Test
    void anOversizedBodyIs413() {
        String big = "{\"application\":\"rest-big\",\"environment\":\"dev\",\"version\":\"1\",\"artifact\":\"a\","
                + "\"overrides\":{\"pad\":\"" + "x".repeat(65 * 1024) + "\"}}";
        post(big).statusCode(413);
        given().when().get("/deployments").then().statusCode(200).body("application", not(hasItem("rest-big")));
        post(big.replace("x".repeat(65 * 1024), "x".repeat(60 * 1024))).statusCode(202);
    }

    @Test
    void unknownStrategy() {
        assertInvalid(post("{\"application\":\"rest-s\",\"environment\":\"dev\",\"version\":\"1\",\"artifact\":\"a\","
                + "\"strategy\":\"big-bang\"}"), "strategy")
                .body("violations[0].message", equalTo("unknown strategy 'big-bang'; known: blue-green, canary, rolling"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"application\":", "{application: 'x'}", "not json", "{\"application\":\"x\"} trailing", "{\"application\":\"x\",\"application\":\"y\"}",
        "{\"application\":\"x\",\"overrides\":{\"a\":1,\"a\":2}}"})
    void malformedJson(String body) {
        assertInvalid(post(body), "body").body("violations[0].message", startsWith("malformed JSON"));
    }

    @Test
    void emptyBodyAndNonObjects() {
        assertInvalid(given().contentType(ContentType.JSON).when().post("/deployments").then(), "body");
        assertInvalid(post("[]"), "body");
        assertInvalid(post("\"text\""), "body");
        assertInvalid(post("null"), "body");
    }

    /** Jackson stops at the first value of the wrong type, so each is answered on its own, naming its field. */
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {"application|7", "environment|[\"dev\"]", "version|1.0", "artifact|{}",
        "strategy|true"})
    void wrongJsonTypes(String field, String value) {
        String body = "{\"application\":\"rest-t\",\"environment\":\"dev\",\"version\":\"1\",\"artifact\":\"a\","
                + "\"strategy\":\"canary\"}";
        assertInvalid(post(body.replaceFirst("\"" + field + "\":\"[^\"]*\"", "\"" + field + "\":" + value)), field)
                .body("violations[0].message", equalTo("must be a string"));
    }

    @Test
    void overridesMustBeAnObject() {
        assertInvalid(post("{\"application\":\"rest-t\",\"environment\":\"dev\",\"version\":\"1\",\"artifact\":\"a\","
                + "\"overrides\":\"x=1\"}"), "overrides")
                .body("violations[0].message", equalTo("must be a JSON object"));
        assertInvalid(post("{\"application\":\"rest-t\",\"environment\":\"dev\",\"version\":\"1\",\"artifact\":\"a\","
                + "\"overrides\":[]}"), "overrides");
        assertInvalid(post("{\"application\":\"Shop!\",\"overrides\":[1]}"), "overrides");
    }

    @Test
    void acceptedThenConflictThenGetAndList() {
        String body = "{\"application\":\"rest-conflict\",\"environment\":\"dev\",\"version\":\"1.2.3\","
                + "\"artifact\":\"file:/apps/a.jar\",\"overrides\":{\"health\":{\"max-wait-ms\":1000}}}";
        var accepted = post(body).statusCode(202)
                .contentType(startsWith("application/json"))
                .header("Location", containsString("/deployments/"))
                .body("status", equalTo("CONFIGURING"))
                .body("strategy", equalTo("blue-green"))
                .body("slot", equalTo("blue"))
                .body("stage", equalTo("config"))
                .body("stages.name", contains("config"))
                .body("stages[0].status", equalTo("RUNNING"))
                .extract();
        String id = accepted.path("id");
        org.hamcrest.MatcherAssert.assertThat(accepted.header("Location"), endsWith("/deployments/" + id));
        given().when().get("/deployments/" + id).then().statusCode(200)
                .body("id", equalTo(id))
                .body("application", equalTo("rest-conflict"))
                .body("environment", equalTo("dev"))
                .body("version", equalTo("1.2.3"))
                .body("artifact", equalTo("file:/apps/a.jar"))
                .body("createdAt", notNullValue());

        post(body.replace("1.2.3", "1.2.4")).statusCode(409)
                .contentType(startsWith(PROBLEM))
                .body("status", equalTo(409))
                .body("activeDeploymentId", equalTo(id))
                .body("detail", containsString(id));

        given().queryParam("application", "rest-conflict").when().get("/deployments").then().statusCode(200)
                .body("id", contains(id));
        given().queryParam("application", "rest-conflict").queryParam("environment", "prod").when()
                .get("/deployments").then().statusCode(200).body("$", hasSize(0));
        given().when().get("/deployments").then().statusCode(200).body("id", hasItem(id));
    }

    @Test
    void theBodyIsReadAsJsonWhateverItsContentTypeSays() {
        // curl -d sends application/x-www-form-urlencoded
        given().contentType("application/x-www-form-urlencoded").body("{\"application\":\"rest-form\","
                + "\"environment\":\"dev\",\"version\":\"1\",\"artifact\":\"a.jar\"}").when().post("/deployments")
                .then().statusCode(202).body("application", equalTo("rest-form"));
        assertInvalid(given().contentType("text/plain").body("{\"application\":").when().post("/deployments").then(),
                "body");
    }

    @Test
    void locationPointsAtTheDeployment() {
        String location = post("{\"application\":\"rest-location\",\"environment\":\"dev\",\"version\":\"1\","
                + "\"artifact\":\"a.jar\"}").statusCode(202).extract().header("Location");
        given().when().get(location).then().statusCode(200).body("application", equalTo("rest-location"));
    }

    @Test
    void unknownDeploymentIs404Problem() {
        given().when().get("/deployments/nope").then().statusCode(404)
                .contentType(startsWith(PROBLEM))
                .body("status", equalTo(404))
                .body("type", equalTo("https://cutover.dev/problems/not-found"));
    }

    @Test
    void healthAndMetrics() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("checks.name", hasItem("deployment-state"));
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("cutover_deployments_active"))
                // every outcome from the start, so that alerts on increase() see the first one
                .body(containsString("cutover_deployments_total{outcome=\"superseded\"}"))
                .body(containsString("cutover_deployments_total{outcome=\"rolled_back\"}"));
    }
}
