package dev.cutover.provisioner.messaging;

import dev.cutover.testing.kafka.KafkaTestClient;
import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.ProvisionerCommand.ReleaseSlot;
import dev.cutover.events.ProvisionerCommand.ShiftTraffic;
import dev.cutover.events.ProvisionerEvent.ProvisioningFailed;
import dev.cutover.events.ProvisionerEvent.SlotProvisioned;
import dev.cutover.events.ProvisionerEvent.SlotReleased;
import dev.cutover.events.ProvisionerEvent.TrafficShifted;
import dev.cutover.events.Target;
import dev.cutover.events.Topics;
import dev.cutover.provisioner.TestProcesses;
import dev.cutover.testing.kafka.KafkaBrokerTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The provisioner driven through Kafka commands on a real broker, starting real sample-app and router processes. */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerTestResource.class, restrictToAnnotatedClass = false)
class ProvisionerFlowTest extends ProvisionerBrokerTest {

    @Test
    void provisionShiftAndReleaseThroughKafka() throws Exception {
        Target target = new Target("shop", "it-" + UUID.randomUUID().toString().substring(0, 8));
        int routerPort = TestProcesses.freeRouterPort();
        String id = "dep-" + UUID.randomUUID();

        ProvisionSlot blue = sampleApp(Meta.start(id), target, "blue", "v1", routerPort, null);
        provisioner.send(blue);
        SlotProvisioned blueUp = provisioner.awaitReply(SlotProvisioned.class, blue);
        assertEquals("version=v1 slot=blue", TestProcesses.get(blueUp.instanceUrl() + "/").body().strip());

        ProvisionSlot green = sampleApp(Meta.causedBy(blue.meta()), target, "green", "v2", routerPort, null);
        ShiftTraffic shift = new ShiftTraffic(Meta.causedBy(green.meta()), target, Map.of("green", 100, "blue", 0), "switch");
        ReleaseSlot release = new ReleaseSlot(Meta.causedBy(shift.meta()), target, "blue", "cleanup");
        provisioner.send(green); // the three are handled in order: same target, same lane
        provisioner.send(shift);
        provisioner.send(release);

        SlotProvisioned greenUp = provisioner.awaitReply(SlotProvisioned.class, green);
        assertEquals("v2", greenUp.version());
        TrafficShifted shifted = provisioner.awaitReply(TrafficShifted.class, shift);
        assertEquals(Map.of("green", 100, "blue", 0), shifted.weights());
        assertEquals("switch", shifted.reason());
        assertEquals("http://127.0.0.1:" + routerPort, shifted.routerUrl());
        // where the router's admin API is travels in both events, and it is there
        assertNotNull(shifted.routerAdminUrl());
        assertEquals(blueUp.routerAdminUrl(), shifted.routerAdminUrl());
        assertEquals(200, TestProcesses.get(shifted.routerAdminUrl() + "/health").statusCode());
        SlotReleased released = provisioner.awaitReply(SlotReleased.class, release);
        assertEquals("cleanup", released.reason());

        long bluePid = Long.parseLong(blueUp.instanceId().substring("local:".length()));
        assertTrue(TestProcesses.gone(bluePid), "blue still running");
        for (int i = 0; i < 10; i++) {
            assertEquals("version=v2 slot=green", TestProcesses.get(shifted.routerUrl() + "/").body().strip());
        }

        given().get("/slots").then().statusCode(200).body(containsString(greenUp.instanceId().substring(6)));
        given().get("/q/health").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("cutover_provisioner_operations_total{operation=\"provision\",outcome=\"success\""))
                .body(containsString("cutover_provisioner_instance_start_seconds_count"))
                .body(containsString("cutover_provisioner_instances_running"));
    }

    /**
     * Two applications in one environment, each with its router port from the pool, and a command delivered twice
     * (same messageId): answered twice alike, one instance.
     */
    @Test
    void twoApplicationsShareAnEnvironmentAndADuplicateCommandStartsNothingTwice() throws Exception {
        String environment = "it-" + UUID.randomUUID().toString().substring(0, 8);
        Target shop = new Target("shop", environment);
        Target cart = new Target("cart", environment);
        String shopId = "dep-" + UUID.randomUUID();
        ProvisionSlot shopBlue = sampleApp(Meta.start(shopId), shop, "blue", "v1",
                ProvisionSlot.ROUTER_PORT_FROM_POOL, null);
        ProvisionSlot cartBlue = sampleApp(Meta.start("dep-" + UUID.randomUUID()), cart, "blue", "v7",
                ProvisionSlot.ROUTER_PORT_FROM_POOL, null);
        provisioner.send(shopBlue);
        provisioner.send(cartBlue);
        provisioner.send(shopBlue); // a redelivery / the orchestrator asking again: same messageId

        SlotProvisioned shopUp = provisioner.awaitReply(SlotProvisioned.class, shopBlue);
        SlotProvisioned cartUp = provisioner.awaitReply(SlotProvisioned.class, cartBlue);
        assertNotNull(shopUp.routerUrl());
        assertTrue(!shopUp.routerUrl().equals(cartUp.routerUrl()), shopUp.routerUrl() + " shared");
        List<SlotProvisioned> answers = await().atMost(Duration.ofSeconds(60)).until(() -> provisioner.kafka()
                .messages(Topics.PROVISIONER_EVENTS, shopId, SlotProvisioned.class), l -> l.size() == 2);
        assertEquals(answers.get(0), answers.get(1));

        for (var up : List.of(shopUp, cartUp)) {
            ShiftTraffic shift = new ShiftTraffic(Meta.start(up.meta().deploymentId()), up.target(),
                    Map.of("blue", 100), "switch");
            provisioner.send(shift);
            provisioner.awaitReply(TrafficShifted.class, shift);
        }
        assertEquals("version=v1 slot=blue", TestProcesses.get(shopUp.routerUrl() + "/").body().strip());
        assertEquals("version=v7 slot=blue", TestProcesses.get(cartUp.routerUrl() + "/").body().strip());
    }

    @Test
    void aFailingArtifactIsReportedAsProvisioningFailed() throws Exception {
        Target target = new Target("shop", "it-" + UUID.randomUUID().toString().substring(0, 8));
        String id = "dep-" + UUID.randomUUID();
        ProvisionSlot command = new ProvisionSlot(Meta.start(id), target, "blue", "v1",
                TestProcesses.sampleAppJar().toString(), Map.of("SAMPLE_ERROR_RATE", "2"), TestProcesses.freeRouterPort());
        provisioner.send(command);
        ProvisioningFailed failed = provisioner.awaitReply(ProvisioningFailed.class, command);
        assertEquals("provision", failed.operation());
        assertEquals("blue", failed.slot());
        // the one wording check here: the operator reads the sample app's own complaint
        assertTrue(failed.reason().contains("SAMPLE_ERROR_RATE must be between 0.0 and 1.0, was 2.0"), failed.reason());
    }

    @Test
    void malformedRecordsGoToTheDeadLetterTopicAndTheConsumerKeepsGoing() {
        String marker = UUID.randomUUID().toString();
        provisioner.kafka().sendRaw(Topics.PROVISIONER_COMMANDS, "shop/dlq", "{broken " + marker,
                Map.of("ce_type", "dev.cutover.provisioner.provision-slot.v1"));
        provisioner.kafka().sendRaw(Topics.PROVISIONER_COMMANDS, "shop/dlq", "{\"marker\":\"" + marker + "\"}", Map.of());

        List<ConsumerRecord<String, byte[]>> dead = await().atMost(Duration.ofSeconds(60)).until(() ->
                provisioner.kafka().records(Topics.deadLetter(Topics.PROVISIONER_COMMANDS)).stream()
                        .filter(r -> new String(r.value()).contains(marker)).toList(), l -> l.size() == 2);
        String badJson = KafkaTestClient.header(dead.get(0), "dead-letter-reason");
        String noType = KafkaTestClient.header(dead.get(1), "dead-letter-reason");
        assertTrue(badJson != null && badJson.contains("unreadable dev.cutover.provisioner.provision-slot.v1"), badJson);
        assertTrue(noType != null && noType.contains("missing ce_type"), noType);

        String id = "dep-" + UUID.randomUUID();
        ReleaseSlot release = new ReleaseSlot(Meta.start(id), new Target("shop", "dlq"), "blue", "cleanup");
        provisioner.send(release);
        provisioner.awaitReply(SlotReleased.class, release);
    }
}
