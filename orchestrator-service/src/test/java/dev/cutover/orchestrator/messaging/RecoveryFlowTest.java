package dev.cutover.orchestrator.messaging;

import dev.cutover.events.DeploymentEvent.DeploymentStatusChanged;
import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.ProvisionerCommand.ReleaseSlot;
import dev.cutover.events.ProvisionerEvent.ProvisioningFailed;
import dev.cutover.events.ProvisionerEvent.SlotProvisioned;
import dev.cutover.events.ProvisionerEvent.SlotReleased;
import dev.cutover.events.Target;
import dev.cutover.orchestrator.testing.FlowTest;
import dev.cutover.testing.kafka.KafkaTestClient;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A failed first attempt is retried after the configured delay, on a real broker; the test plays the agents. */
@QuarkusTest
class RecoveryFlowTest extends FlowTest {


    @Test
    void provisioningFailureIsRetriedThenSucceeds() {
        String id = post("flow-retry", "1.0.0");
        Target target = new Target("flow-retry", "test");
        resolveConfig(id, "sha256:retry", Map.of(
                "router", Map.of("port", 18095),
                "health", Map.of("max-wait-ms", 2000, "monitor-window-ms", 300),
                "recovery", Map.of("max-attempts", 3, "infrastructure-retry-delay-ms", 500)));

        ProvisionSlot first = kafka.awaitMessage(ProvisionSlot.class, id);
        kafka.send(new ProvisioningFailed(Meta.causedBy(first.meta()), target, "blue", "provision",
                "process exited with code 1"));

        // the failed attempt's leftovers are released, then the slot is provisioned again after the delay
        ReleaseSlot release = kafka.awaitMessage(ReleaseSlot.class, id, r -> "retry".equals(r.reason()));
        assertEquals("blue", release.slot());
        DeploymentStatusChanged retrying = kafka.awaitMessage(DeploymentStatusChanged.class, id,
                e -> e.failure() != null);
        assertEquals(DeploymentStatus.PROVISIONING, retrying.status());
        assertEquals("INFRASTRUCTURE_FAILURE", retrying.failure().type());
        assertEquals(1, retrying.failure().attempt());
        assertTrue(retrying.failure().recoverable());
        kafka.send(new SlotReleased(Meta.causedBy(release.meta()), target, "blue", "retry"));
        await().atMost(KafkaTestClient.WAIT).until(() -> kafka.messages(id).stream()
                .filter(ProvisionSlot.class::isInstance).count() == 2);
        ProvisionSlot second = kafka.messages(id).stream().filter(ProvisionSlot.class::isInstance)
                .map(ProvisionSlot.class::cast).toList().get(1);
        assertEquals(first.slot(), second.slot());
        assertEquals(first.version(), second.version());
        assertTrue(second.meta().occurredAt().isAfter(retrying.meta().occurredAt().plusMillis(400)),
                "not before the retry delay");

        kafka.send(new SlotProvisioned(Meta.causedBy(second.meta()), target, "blue", "1.0.0", INSTANCE_URL, "i-2"));
        passCheck(id, "pre-switch");
        shiftTraffic(id);
        passCheck(id, "post-switch");

        awaitStatus(id, DeploymentStatus.SUCCEEDED);
        given().when().get("/deployments/" + id).then()
                .body("attempt", equalTo(2))
                .body("failures", hasSize(1))
                .body("failures[0].type", equalTo("INFRASTRUCTURE_FAILURE"))
                .body("failures[0].severity", equalTo("MEDIUM"))
                .body("failures[0].recoverable", equalTo(true))
                .body("failures[0].action", equalTo("retry"))
                .body("failures[0].attempt", equalTo(1))
                .body("failures[0].stage", equalTo("provision"))
                // the one wording check here: the failure keeps the provisioner's own reason
                .body("failures[0].reason", containsString("process exited with code 1"))
                .body("stages.name", org.hamcrest.Matchers.contains("config", "plan", "provision", "retry", "provision",
                        "verify", "switch", "monitor"));
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("cutover_failures_total{action=\"retry\",type=\"INFRASTRUCTURE_FAILURE\"}"));
    }
}
