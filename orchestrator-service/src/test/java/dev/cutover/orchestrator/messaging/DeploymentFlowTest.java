package dev.cutover.orchestrator.messaging;

import dev.cutover.events.ConfigCommand.ResolveConfig;
import dev.cutover.events.ConfigEvent.ConfigRejected;
import dev.cutover.events.DeploymentEvent.DeploymentAccepted;
import dev.cutover.events.DeploymentEvent.DeploymentRejected;
import dev.cutover.events.DeploymentEvent.DeploymentStatusChanged;
import dev.cutover.events.DeploymentRequestEvent.DeploymentRequested;
import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.HealthMonitorCommand.RunHealthCheck;
import dev.cutover.events.HealthMonitorEvent.HealthCheckCompleted;
import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.ProvisionerEvent.SlotReleased;
import dev.cutover.events.ProvisionerEvent.TrafficShifted;
import dev.cutover.events.RollbackCommand.StartRollback;
import dev.cutover.events.RollbackEvent.RollbackCompleted;
import dev.cutover.events.Target;
import dev.cutover.orchestrator.testing.FlowTest;
import dev.cutover.testing.kafka.KafkaTestClient;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The orchestrator on a real broker, with the test playing config-service, provisioner, health-monitor and
 * rollback-service at the message level.
 */
@QuarkusTest
class DeploymentFlowTest extends FlowTest {

    @Test
    void restDeploymentRunsToSucceeded() {
        String id = post("flow-rest", "1.0.0");
        kafka.awaitMessage(DeploymentAccepted.class, id);

        playHappyPath(id, "blue", null);

        awaitStatus(id, DeploymentStatus.SUCCEEDED);
        given().when().get("/deployments/" + id).then()
                .body("slot", equalTo("blue"))
                .body("stableSlot", nullValue())
                .body("configHash", equalTo("sha256:test"))
                .body("routerUrl", equalTo(ROUTER))
                .body("stages.name", contains("config", "plan", "provision", "verify", "switch", "monitor"))
                .body("stages.status", everyItem(equalTo("SUCCEEDED")));
        assertEquals(List.of(DeploymentStatus.CONFIGURING, DeploymentStatus.PROVISIONING,
                // the plan stage, then the provision stage: both PROVISIONING, each announced
                DeploymentStatus.PROVISIONING, DeploymentStatus.VERIFYING,
                DeploymentStatus.SWITCHING, DeploymentStatus.MONITORING, DeploymentStatus.SUCCEEDED), statuses(id));
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("cutover_deployments_total{outcome=\"succeeded\"}"))
                .body(containsString("cutover_deployment_duration_seconds_count{outcome=\"succeeded\"}"))
                .body(containsString("cutover_deployments_active"));
    }

    @Test
    void requestFromTheTopicRunsToSucceededOverTheStableSlot() {
        Target target = new Target("flow-topic", "test");
        String first = succeededOnBlue("flow-topic");

        String messageId = UUID.randomUUID().toString();
        String id = UUID.nameUUIDFromBytes(messageId.getBytes(StandardCharsets.UTF_8)).toString();
        DeploymentRequested request = new DeploymentRequested(new Meta(messageId, null, null, null, Instant.now()),
                target, "2.0.0", "file:/apps/flow-2.jar", null, Map.of("health", Map.of("max-wait-ms", 1000)));
        sendSigned(request);
        ResolveConfig resolve = kafka.awaitMessage(ResolveConfig.class, id);
        assertEquals(Map.of("health", Map.of("max-wait-ms", 1000)), resolve.overrides());
        assertEquals(messageId, resolve.meta().correlationId());

        // CI redelivers the same request: no second deployment
        sendSigned(request);

        playHappyPath(id, "green", "blue");
        awaitStatus(id, DeploymentStatus.SUCCEEDED);
        given().when().get("/deployments/" + id).then()
                .body("stableSlot", equalTo("blue"))
                .body("stableVersion", equalTo("1.0.0"))
                .body("stages.name", contains("config", "plan", "provision", "verify", "switch", "monitor", "cleanup"));
        given().queryParam("application", "flow-topic").when().get("/deployments").then()
                .body("id", contains(id, first));
        assertEquals(1, kafka.messages(id).stream().filter(ResolveConfig.class::isInstance).count());
    }

    @Test
    void invalidOrConflictingTopicRequestsAreRejected() {
        Target target = new Target("flow-reject", "test");
        String active = post("flow-reject", "1.0.0");

        String conflictId = UUID.randomUUID().toString();
        sendSigned(new DeploymentRequested(new Meta(UUID.randomUUID().toString(), conflictId, null, null,
                Instant.now()), target, "2.0.0", "a.jar", null, null));
        DeploymentRejected conflict = kafka.awaitMessage(DeploymentRejected.class, conflictId);
        assertEquals("target", conflict.field());
        // the one wording check here: only the reason says which deployment holds the target
        assertTrue(conflict.reason().contains(active), conflict.reason());

        String invalidId = UUID.randomUUID().toString();
        sendSigned(new DeploymentRequested(new Meta(UUID.randomUUID().toString(), invalidId, null, null,
                Instant.now()), new Target("flow-reject", "test"), "2.0.0", "a.jar", "big-bang", null));
        DeploymentRejected invalid = kafka.awaitMessage(DeploymentRejected.class, invalidId);
        assertEquals("strategy", invalid.field());
        given().when().get("/deployments/" + invalidId).then().statusCode(404);

        String unsafeId = UUID.randomUUID().toString();
        sendSigned(new DeploymentRequested(new Meta(UUID.randomUUID().toString(), unsafeId, null, null,
                Instant.now()), new Target("flow-reject", "test"), "1.0\n\u001b[31m", "a.jar", null, null));
        DeploymentRejected unsafe = kafka.awaitMessage(DeploymentRejected.class, unsafeId);
        assertEquals("version", unsafe.field());
        given().when().get("/deployments/" + unsafeId).then().statusCode(404);
    }

    @Test
    void postSwitchFailureRollsBack() {
        Target target = new Target("flow-rollback", "test");
        succeededOnBlue("flow-rollback");

        String id = post("flow-rollback", "2.0.0");
        playUntilMonitoring(id, "green", "blue");
        RunHealthCheck watch = kafka.awaitMessage(RunHealthCheck.class, id, c -> c.phase().equals("post-switch"));
        kafka.send(new HealthCheckCompleted(Meta.causedBy(watch.meta()), target, "green", "post-switch", false,
                "/health answered 500 twice", 2, List.of()));

        StartRollback start = kafka.awaitMessage(StartRollback.class, id);
        assertEquals("blue", start.stableSlot());
        assertEquals("green", start.failedSlot());
        assertEquals("immediate", start.strategy());
        awaitStatus(id, DeploymentStatus.ROLLING_BACK);
        // what the rollback-service makes the provisioner do is not for the orchestrator to act on
        kafka.send(new TrafficShifted(Meta.causedBy(start.meta()), target, Map.of("blue", 100, "green", 0), ROUTER,
                "rollback"));
        kafka.send(new SlotReleased(Meta.causedBy(start.meta()), target, "green", "rollback"));
        kafka.send(new RollbackCompleted(Meta.causedBy(start.meta()), target, "blue", 35, 180));

        awaitStatus(id, DeploymentStatus.ROLLED_BACK);
        given().when().get("/deployments/" + id).then()
                .body("rollback.trafficRestoredMs", equalTo(35))
                .body("rollback.durationMs", equalTo(180))
                .body("failures", hasSize(1))
                .body("failures[0].type", equalTo("APPLICATION_FAILURE"))
                .body("failures[0].stage", equalTo("monitor"))
                .body("failures[0].action", equalTo("rollback"))
                .body("stages[-1].name", equalTo("rollback"));
        // the next deployment goes to green again, over blue (the slot the rollback returned to)
        String next = post("flow-rollback", "2.0.1");
        given().when().get("/deployments/" + next).then()
                .body("slot", equalTo("green"))
                .body("stableSlot", equalTo("blue"))
                .body("stableVersion", equalTo("1.0.0"));
    }

    @Test
    void configRejectedFailsWithoutProvisioning() {
        Target target = new Target("flow-config-rejected", "test");
        String id = post("flow-config-rejected", "1.0.0");
        ResolveConfig resolve = kafka.awaitMessage(ResolveConfig.class, id);
        kafka.send(new ConfigRejected(Meta.causedBy(resolve.meta()), target, "no environment test"));

        DeploymentStatusChanged failed = kafka.awaitMessage(DeploymentStatusChanged.class, id,
                e -> e.status() == DeploymentStatus.FAILED);
        assertEquals("config", failed.stage());
        assertEquals("CONFIGURATION_ERROR", failed.failure().type());
        assertFalse(failed.failure().recoverable());
        given().when().get("/deployments/" + id).then()
                .body("status", equalTo("FAILED"))
                .body("failures[0].stage", equalTo("config"))
                .body("failures[0].action", equalTo("stop"))
                // the one wording check here: the operator is told config-service's own reason
                .body("reason", containsString("no environment test"));
        assertTrue(kafka.messages(id).stream().noneMatch(ProvisionSlot.class::isInstance));
    }

    @Test
    void unansweredStageTimesOut() {
        String id = post("flow-timeout", "1.0.0");
        kafka.awaitMessage(ResolveConfig.class, id);
        awaitStatus(id, DeploymentStatus.FAILED);
        given().when().get("/deployments/" + id).then()
                .body("failures[0].type", equalTo("TIMEOUT"))
                .body("failures[0].stage", equalTo("config"))
                .body("stages[0].status", equalTo("FAILED"));
    }

    // ---- the agents ----------------------------------------------------------------------------------------

    private List<DeploymentStatus> statuses(String id) {
        await().atMost(KafkaTestClient.WAIT).until(() -> kafka.messages(id).stream()
                .anyMatch(m -> m instanceof DeploymentStatusChanged c && c.status().terminal()));
        return kafka.messages(id).stream().filter(DeploymentStatusChanged.class::isInstance)
                .map(m -> ((DeploymentStatusChanged) m).status()).toList();
    }
}
