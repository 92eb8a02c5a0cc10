package dev.cutover.orchestrator.messaging;

import dev.cutover.events.ConfigCommand.ResolveConfig;
import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.orchestrator.testing.FlowTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A configuration-only change deploys like a version, and rolling it back (redeploy of the earlier deployment)
 * restores the earlier configuration exactly, without asking config-service again.
 */
@QuarkusTest
class ConfigVersionFlowTest extends FlowTest {

    private static final String APP = "flow-config-version";

    @Test
    void configurationChangeDeploysAndRedeployRestoresTheEarlierConfiguration() {
        String one = post("blue");
        Map<String, String> provenance = Map.of("router.port", "environment:test", "app.env.COLOR", "overrides");
        play(one, "blue", null, "sha256:one", "blue", provenance);
        given().when().get("/deployments/" + one).then()
                .body("configHash", equalTo("sha256:one"))
                .body("config.app.env.COLOR", equalTo("blue"))
                .body("provenance.'app.env.COLOR'", equalTo("overrides"))
                .body("configPinnedFrom", nullValue());

        // same version and artifact, different overrides: a normal deployment, not a duplicate
        String two = post("green");
        play(two, "green", "blue", "sha256:two", "green", null);
        given().when().get("/deployments/" + two).then().body("configHash", equalTo("sha256:two"))
                .body("version", equalTo("1.0.0"));

        // roll the configuration back: the earlier deployment's exact configuration, pinned
        String back = given().contentType(ContentType.JSON).body("{}").when()
                .post("/deployments/" + one + "/redeploy").then().statusCode(202)
                .body("status", equalTo("PROVISIONING"))
                .body("configHash", equalTo("sha256:one"))
                .body("configPinnedFrom", equalTo(one))
                .extract().path("id");
        plan(back, NO_CHANGES);
        ProvisionSlot provision = provision(back);
        assertEquals("blue", provision.slot());
        assertEquals(Map.of("COLOR", "blue"), provision.environment());
        playFromVerify(back, "green");
        awaitStatus(back, DeploymentStatus.SUCCEEDED);
        assertTrue(kafka.messages(back).stream().noneMatch(ResolveConfig.class::isInstance));
        given().when().get("/deployments/" + back).then()
                .body("configHash", equalTo("sha256:one"))
                .body("config.app.env.COLOR", equalTo("blue"))
                .body("provenance.'app.env.COLOR'", equalTo("overrides"))
                .body("stages.name", not(hasItem("config")));
    }

    private static String post(String color) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("application", APP, "environment", "test", "version", "1.0.0",
                        "artifact", "file:/apps/" + APP + ".jar",
                        "overrides", Map.of("app", Map.of("env", Map.of("COLOR", color)))))
                .when().post("/deployments").then().statusCode(202).extract().path("id");
    }

    private void play(String id, String slot, String stableSlot, String hash, String color,
                      Map<String, String> provenance) {
        ResolveConfig resolve = resolveConfig(id, hash, Map.of(
                "router", Map.of("port", 18096),
                "app", Map.of("env", Map.of("COLOR", color)),
                "health", Map.of("max-wait-ms", 2000, "monitor-window-ms", 300)), provenance);
        assertEquals(Map.of("app", Map.of("env", Map.of("COLOR", color))), resolve.overrides());
        assertEquals(slot, provision(id).slot());
        playFromVerify(id, stableSlot);
        awaitStatus(id, DeploymentStatus.SUCCEEDED);
    }

    /** From the new slot's checks to the release of the stable one, if there is one. */
    private void playFromVerify(String id, String stableSlot) {
        passCheck(id, "pre-switch");
        shiftTraffic(id);
        passCheck(id, "post-switch");
        if (stableSlot != null) {
            assertEquals(stableSlot, releaseSlot(id, r -> true).slot());
        }
    }
}
