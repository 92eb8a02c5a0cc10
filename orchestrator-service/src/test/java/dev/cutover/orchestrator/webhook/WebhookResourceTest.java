package dev.cutover.orchestrator.webhook;

import dev.cutover.events.DeploymentEvent.DeploymentAccepted;
import dev.cutover.orchestrator.messaging.CiSourceKeys;
import dev.cutover.orchestrator.testing.FlowTest;
import dev.cutover.security.webhook.GitHubSignature;
import dev.cutover.security.webhook.StandardWebhooks;
import dev.cutover.security.webhook.WebhookKey;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** POST /webhooks/{source}: authenticated by the signature of its body, not by a token. */
@QuarkusTest
class WebhookResourceTest extends FlowTest {

    private static byte[] body(String application, String version) {
        return ("{\"application\":\"" + application + "\",\"environment\":\"test\",\"version\":\"" + version
                + "\",\"artifact\":\"file:/apps/" + application + ".jar\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static ValidatableResponse post(String source, Map<String, String> headers, byte[] body) {
        return given().headers(headers).contentType("application/json").body(body)
                .when().post("/webhooks/" + source).then();
    }

    private static void refused(ValidatableResponse response, String kind) {
        response.statusCode(401).contentType("application/problem+json").body("reason", equalTo(kind))
                .body("status", equalTo(401));
    }

    @Test
    void aSignedWebhookIsADeploymentRequestedByTheSourceOnce() {
        byte[] body = body("webhook-valid", "1.0.0");
        Map<String, String> headers = StandardWebhooks.sign(CiSourceKeys.KEY, body);
        String id = post(CiSourceKeys.SOURCE, headers, body).statusCode(202).header("Location", notNullValue())
                .body("application", equalTo("webhook-valid")).extract().path("id");
        DeploymentAccepted accepted = kafka.awaitMessage(DeploymentAccepted.class, id);
        assertEquals("ci:" + CiSourceKeys.SOURCE, accepted.actor().subject());
        assertEquals("webhook", accepted.actor().via());
        refused(post(CiSourceKeys.SOURCE, headers, body), "replayed");
    }

    @Test
    void theDigestAndAuditOfAWebhookRequestAreKept() {
        String digest = "ab".repeat(32);
        byte[] body = ("{\"application\":\"webhook-digest\",\"environment\":\"test\",\"version\":\"1.0.0\","
                + "\"artifact\":\"file:/apps/webhook-digest.jar\",\"sha256\":\"" + digest + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        String id = post(CiSourceKeys.SOURCE, StandardWebhooks.sign(CiSourceKeys.KEY, body), body).statusCode(202)
                .body("sha256", equalTo(digest)).extract().path("id");
        given().when().get("/deployments/" + id).then().statusCode(200).body("sha256", equalTo(digest))
                .body("audit[0].action", equalTo("start"))
                .body("audit[0].subject", equalTo("ci:" + CiSourceKeys.SOURCE))
                .body("audit[0].via", equalTo("webhook"));
    }

    @Test
    void headerNamesAreCaseInsensitiveOnHttp() {
        byte[] body = body("webhook-casing", "1.0.0");
        Map<String, String> h = StandardWebhooks.sign(CiSourceKeys.KEY, body);
        post(CiSourceKeys.SOURCE, Map.of("Webhook-Id", h.get(StandardWebhooks.ID), "WEBHOOK-TIMESTAMP",
                h.get(StandardWebhooks.TIMESTAMP), "Webhook-Signature", h.get(StandardWebhooks.SIGNATURE)), body)
                .statusCode(202);
    }

    @Test
    void tamperedUnsignedStaleAndUnknownAreRefusedWith401AndTheKind() {
        byte[] body = body("webhook-tampered", "1.0.0");
        Map<String, String> h = StandardWebhooks.sign(CiSourceKeys.KEY, body);
        refused(post(CiSourceKeys.SOURCE, h, body("webhook-tampered", "6.6.6")), "bad-signature");
        refused(post(CiSourceKeys.SOURCE, StandardWebhooks.sign(WebhookKey.parse(WebhookKey.generate()), body), body),
                "bad-signature");
        refused(post(CiSourceKeys.SOURCE, Map.of(), body), "unsigned");
        refused(post(CiSourceKeys.SOURCE, Map.of(StandardWebhooks.ID, "msg_1"), body), "malformed");
        refused(post(CiSourceKeys.SOURCE, StandardWebhooks.sign(CiSourceKeys.KEY, StandardWebhooks.newId(),
                Instant.now().minusSeconds(400), body), body), "stale");
        refused(post("nobody", h, body), "unknown-source");
        // a bearer token is no substitute for the signature
        given().header("Authorization", "Bearer not-a-signature").contentType("application/json").body(body)
                .when().post("/webhooks/" + CiSourceKeys.SOURCE).then().statusCode(401).body("reason",
                        equalTo("unsigned"));
        given().when().get("/deployments?application=webhook-tampered").then().statusCode(200)
                .body("size()", equalTo(0));
    }

    @Test
    void anAuthenticInvalidBodyIs400NamingTheField() {
        byte[] body = ("{\"application\":\"Bad Name\",\"environment\":\"test\",\"version\":\"1.0.0\","
                + "\"artifact\":\"a.jar\"}").getBytes(StandardCharsets.UTF_8);
        post(CiSourceKeys.SOURCE, StandardWebhooks.sign(CiSourceKeys.KEY, body), body).statusCode(400)
                .contentType("application/problem+json").body("violations.field", hasItem("application"));
        byte[] notJson = "{nope".getBytes(StandardCharsets.UTF_8);
        post(CiSourceKeys.SOURCE, StandardWebhooks.sign(CiSourceKeys.KEY, notJson), notJson).statusCode(400)
                .contentType("application/problem+json").body("violations.field", hasItem("body"));
    }

    @Test
    void gitHubStyleSignaturesForAGitHubSource() {
        WebhookKey secret = WebhookKey.parse(CiSourceKeys.GITHUB_SECRET);
        byte[] body = body("webhook-github", "1.0.0");
        Map<String, String> h = Map.of(GitHubSignature.HEADER, GitHubSignature.sign(secret, body),
                "X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958");
        String id = post(CiSourceKeys.GITHUB, h, body).statusCode(202).extract().path("id");
        assertEquals("ci:" + CiSourceKeys.GITHUB, kafka.awaitMessage(DeploymentAccepted.class, id).actor().subject());
        refused(post(CiSourceKeys.GITHUB, h, body), "replayed");
        byte[] other = body("webhook-github", "6.6.6");
        refused(post(CiSourceKeys.GITHUB, h, other), "bad-signature");
        refused(post(CiSourceKeys.GITHUB, Map.of(GitHubSignature.HEADER, "sha1=0123"), other), "malformed");
        refused(post(CiSourceKeys.GITHUB, Map.of(), other), "unsigned");
        // a Standard Webhooks signature is not what a GitHub source is checked with
        refused(post(CiSourceKeys.GITHUB, StandardWebhooks.sign(secret, other), other), "unsigned");
    }
}
