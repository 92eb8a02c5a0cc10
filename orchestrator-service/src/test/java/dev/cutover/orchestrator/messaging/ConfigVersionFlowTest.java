package dev.cutover.orchestrator.messaging;

import dev.cutover.events.ConfigCommand.ResolveConfig;
import dev.cutover.events.ConfigEvent.ConfigResolved;
import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.HealthMonitorCommand.RunHealthCheck;
import dev.cutover.events.HealthMonitorEvent.HealthCheckCompleted;
import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.ProvisionerCommand.ReleaseSlot;
import dev.cutover.events.ProvisionerCommand.ShiftTraffic;
import dev.cutover.events.ProvisionerEvent.SlotProvisioned;
import dev.cutover.events.ProvisionerEvent.SlotReleased;
import dev.cutover.events.ProvisionerEvent.TrafficShifted;
import dev.cutover.events.Target;
import dev.cutover.testing.kafka.KafkaTestClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.cutover.orchestrator.messaging.DeploymentFlowTest.awaitStatus;
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
class ConfigVersionFlowTest {

    private static final String APP = "flow-config-version";
    private static final Target TARGET = new Target(APP, "test");

    private KafkaTestClient kafka;

    @BeforeEach
    void connect() {
        kafka = KafkaTestClient.recordingAllTopics();
    }

    @AfterEach
    void close() {
        kafka.close();
    }

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
                .body("reason", equalTo("configuration pinned to sha256:one from deployment " + one))
                .extract().path("id");
        ProvisionSlot provision = kafka.awaitMessage(ProvisionSlot.class, back);
        assertEquals("blue", provision.slot());
        assertEquals(Map.of("COLOR", "blue"), provision.environment());
        playFromProvision(back, provision, "green");
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
        ResolveConfig resolve = kafka.awaitMessage(ResolveConfig.class, id);
        assertEquals(Map.of("app", Map.of("env", Map.of("COLOR", color))), resolve.overrides());
        kafka.send(new ConfigResolved(Meta.causedBy(resolve.meta()), TARGET, hash, Map.of(
                "router", Map.of("port", 18096),
                "app", Map.of("env", Map.of("COLOR", color)),
                "health", Map.of("max-wait-ms", 2000, "monitor-window-ms", 300)), provenance));
        ProvisionSlot provision = kafka.awaitMessage(ProvisionSlot.class, id);
        assertEquals(slot, provision.slot());
        playFromProvision(id, provision, stableSlot);
        awaitStatus(id, DeploymentStatus.SUCCEEDED);
    }

    private void playFromProvision(String id, ProvisionSlot provision, String stableSlot) {
        String slot = provision.slot();
        kafka.send(new SlotProvisioned(Meta.causedBy(provision.meta()), TARGET, slot, "1.0.0",
                "http://127.0.0.1:4102" + (slot.equals("blue") ? 1 : 2), "i-" + id));
        RunHealthCheck pre = kafka.awaitMessage(RunHealthCheck.class, id, c -> c.phase().equals("pre-switch"));
        kafka.send(new HealthCheckCompleted(Meta.causedBy(pre.meta()), TARGET, slot, "pre-switch", true, null, 3,
                List.of()));
        ShiftTraffic shift = kafka.awaitMessage(ShiftTraffic.class, id);
        kafka.send(new TrafficShifted(Meta.causedBy(shift.meta()), TARGET, shift.weights(), null, "switch"));
        RunHealthCheck watch = kafka.awaitMessage(RunHealthCheck.class, id, c -> c.phase().equals("post-switch"));
        kafka.send(new HealthCheckCompleted(Meta.causedBy(watch.meta()), TARGET, slot, "post-switch", true, null, 3,
                List.of()));
        if (stableSlot != null) {
            ReleaseSlot release = kafka.awaitMessage(ReleaseSlot.class, id);
            assertEquals(stableSlot, release.slot());
            kafka.send(new SlotReleased(Meta.causedBy(release.meta()), TARGET, stableSlot, "cleanup"));
        }
    }
}
