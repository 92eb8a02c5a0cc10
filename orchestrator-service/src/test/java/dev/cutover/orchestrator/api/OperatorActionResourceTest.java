package dev.cutover.orchestrator.api;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

/** Operator actions and the concurrency policy over REST (no agent answers: deployments stay in CONFIGURING). */
@QuarkusTest
class OperatorActionResourceTest {

    private static final String PROBLEM = "application/problem+json";

    static ValidatableResponse post(String app, String version, String extra) {
        return given().contentType(ContentType.JSON)
                .body("{\"application\":\"" + app + "\",\"environment\":\"test\",\"version\":\"" + version
                        + "\",\"artifact\":\"a.jar\",\"strategy\":\"canary\"" + extra + "}")
                .when().post("/deployments").then();
    }

    static ValidatableResponse action(String id, String action, String body) {
        var request = given().contentType(ContentType.JSON);
        if (body != null) {
            request = request.body(body);
        }
        return request.when().post("/deployments/" + id + "/" + action).then();
    }

    @ParameterizedTest
    @ValueSource(strings = {"promote", "pause", "resume", "abort", "approve", "rollback", "redeploy"})
    void unknownDeploymentIs404(String action) {
        action("nope", action, null).statusCode(404).contentType(startsWith(PROBLEM))
                .body("type", equalTo("https://cutover.dev/problems/not-found"));
    }

    @Test
    void actionsNotAllowedInTheStatusAre409Problems() {
        String id = post("ops-409", "1", "").statusCode(202).body("status", equalTo("CONFIGURING")).extract().path("id");
        for (String a : new String[]{"promote", "pause", "resume", "approve", "rollback"}) {
            action(id, a, null).statusCode(409).contentType(startsWith(PROBLEM))
                    .body("status", equalTo(409))
                    .body("type", equalTo("https://cutover.dev/problems/action-not-allowed"))
                    .body("detail", containsString("CONFIGURING"));
        }
        action(id, "redeploy", null).statusCode(409).contentType(startsWith(PROBLEM))
                .body("detail", containsString("only a SUCCEEDED deployment"));
        // "by" in the body is not trusted: the token's subject (the test's default admin) is recorded
        action(id, "abort", "{\"reason\":\"wrong build\",\"by\":\"alice\"}").statusCode(202)
                .body("status", equalTo("ROLLED_BACK"))
                .body("reason", containsString("aborted by operator (test-admin: wrong build)"))
                .body("actions[0].action", equalTo("abort"))
                .body("actions[0].by", equalTo("test-admin"))
                .body("actions[0].reason", equalTo("wrong build"));
        action(id, "abort", null).statusCode(409).contentType(startsWith(PROBLEM));
        action(id, "explode", null).statusCode(404); // no such action
    }

    /** An action's reason and name are recorded and echoed into reasons and logs: without control characters. */
    @Test
    void controlCharactersInAnActionBodyAreNotRecorded() {
        String id = post("ops-ctl", "1", "").statusCode(202).extract().path("id");
        action(id, "abort", "{\"reason\":\"wrong\\nbuild\\u001b[31m\",\"by\":\"al\\u001bice\"}").statusCode(202)
                .body("status", equalTo("ROLLED_BACK"))
                .body("actions[0].reason", equalTo("wrong build [31m"))
                .body("actions[0].by", equalTo("test-admin"))
                .body("audit[1].reason", equalTo("wrong build [31m"))
                .body("reason", not(matchesPattern("(?s).*\\p{Cntrl}.*")));
        given().when().get("/deployments/" + id).then()
                .body("actions[0].reason", equalTo("wrong build [31m"))
                .body("reason", containsString("wrong build [31m"))
                .body("stages.reason", everyItem(anyOf(nullValue(), not(matchesPattern("(?s).*\\p{Cntrl}.*")))));
    }

    @Test
    void badActionBodyIs400() {
        String id = post("ops-400", "1", "").statusCode(202).extract().path("id");
        action(id, "pause", "[1]").statusCode(400).contentType(startsWith(PROBLEM))
                .body("violations[0].field", equalTo("body"));
        action(id, "pause", "{\"reason\":3}").statusCode(400).body("violations[0].field", equalTo("reason"));
        post("ops-400", "2", ",\"onConflict\":\"wait\"").statusCode(400)
                .body("violations[0].field", equalTo("onConflict"));
    }

    @Test
    void anActionNeedsNoBodyNorContentType() {
        String id = post("ops-bare", "1", "").statusCode(202).extract().path("id");
        given().noContentType().when().post("/deployments/" + id + "/pause").then().statusCode(409)
                .body("type", equalTo("https://cutover.dev/problems/action-not-allowed"));
        given().contentType("application/x-www-form-urlencoded").body("{\"by\":\"bob\"}").when()
                .post("/deployments/" + id + "/abort").then().statusCode(202)
                .body("status", equalTo("ROLLED_BACK"))
                .body("actions[0].by", equalTo("test-admin"));
    }

    @Test
    void queueStartsWhenTheActiveOneEndsAndSupersedeReplacesIt() {
        String first = post("ops-queue", "1", "").statusCode(202).extract().path("id");
        post("ops-queue", "2", "").statusCode(409).body("activeDeploymentId", equalTo(first));
        String queued = post("ops-queue", "2", ",\"onConflict\":\"queue\"").statusCode(202)
                .body("status", equalTo("QUEUED"))
                .body("onConflict", equalTo("queue"))
                .body("reason", containsString(first)).extract().path("id");
        action(first, "abort", null).statusCode(202).body("status", equalTo("ROLLED_BACK"));
        given().when().get("/deployments/" + queued).then().statusCode(200)
                .body("status", equalTo("CONFIGURING"));

        String newest = post("ops-queue", "3", ",\"onConflict\":\"supersede\"").statusCode(202)
                .body("status", equalTo("CONFIGURING")).extract().path("id");
        given().when().get("/deployments/" + queued).then()
                .body("status", equalTo("SUPERSEDED"))
                .body("reason", containsString("superseded by deployment " + newest));
        given().queryParam("application", "ops-queue").when().get("/deployments").then()
                .body("status", hasItem("SUPERSEDED"));
        action(newest, "abort", null).statusCode(202);
    }
}
