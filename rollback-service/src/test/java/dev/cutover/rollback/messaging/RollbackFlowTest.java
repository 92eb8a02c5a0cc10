package dev.cutover.rollback.messaging;

import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerCommand.ReleaseSlot;
import dev.cutover.events.ProvisionerCommand.ShiftTraffic;
import dev.cutover.events.ProvisionerEvent.ProvisioningFailed;
import dev.cutover.events.ProvisionerEvent.SlotReleased;
import dev.cutover.events.ProvisionerEvent.TrafficShifted;
import dev.cutover.events.RollbackCommand.StartRollback;
import dev.cutover.events.RollbackEvent.RollbackCompleted;
import dev.cutover.events.RollbackEvent.RollbackFailed;
import dev.cutover.events.RollbackEvent.RollbackStarted;
import dev.cutover.events.Topics;
import dev.cutover.testing.kafka.KafkaBrokerTestResource;
import dev.cutover.testing.kafka.KafkaTestClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rollback saga on a real broker; the test plays the provisioner with a plain producer and consumer. */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerTestResource.class, restrictToAnnotatedClass = false)
class RollbackFlowTest extends RollbackBrokerTest {

    private static StartRollback startRollback(String deploymentId) {
        return new StartRollback(Meta.start(deploymentId), SHOP, "blue", "green", "immediate", "post-switch failed");
    }

    @Test
    void immediateRollbackCompletesWhenTheProvisionerAnswers() {
        String id = "rb-" + UUID.randomUUID();
        StartRollback command = startRollback(id);
        kafka.send(command);

        RollbackStarted started = awaitOne(Topics.ROLLBACK_EVENTS, id, RollbackStarted.class);
        assertEquals("immediate", started.strategy());
        ShiftTraffic shift = awaitOne(Topics.PROVISIONER_COMMANDS, id, ShiftTraffic.class);
        assertEquals(Map.of("blue", 100, "green", 0), shift.weights());
        assertEquals("rollback", shift.reason());
        assertEquals(command.meta().correlationId(), shift.meta().correlationId());

        kafka.send(new TrafficShifted(Meta.causedBy(shift.meta()), SHOP, shift.weights(), "http://127.0.0.1:9000", "rollback"));
        ReleaseSlot release = awaitOne(Topics.PROVISIONER_COMMANDS, id, ReleaseSlot.class);
        assertEquals("green", release.slot());
        assertEquals("rollback", release.reason());

        kafka.send(new SlotReleased(Meta.causedBy(release.meta()), SHOP, "green", "rollback"));
        RollbackCompleted completed = awaitOne(Topics.ROLLBACK_EVENTS, id, RollbackCompleted.class);
        assertEquals("blue", completed.stableSlot());
        assertTrue(completed.trafficRestoredMs() > 0, "traffic restored after " + completed.trafficRestoredMs());
        assertTrue(completed.durationMs() >= completed.trafficRestoredMs(), completed.toString());
        assertTrue(completed.durationMs() < WAIT.toMillis() * 2, completed.toString());

        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("cutover_rollback_duration_seconds_count"))
                .body(containsString("cutover_rollback_traffic_restored_seconds_count"))
                .body(containsString("cutover_rollbacks_total{outcome=\"completed\""));
        given().get("/q/health").then().statusCode(200);
    }

    @Test
    void provisioningFailedFailsTheRollback() {
        String id = "rb-" + UUID.randomUUID();
        kafka.send(startRollback(id));
        ShiftTraffic shift = awaitOne(Topics.PROVISIONER_COMMANDS, id, ShiftTraffic.class);

        kafka.send(new ProvisioningFailed(Meta.causedBy(shift.meta()), SHOP, "blue", "shift",
                "slot blue has weight 100 but runs nothing"));
        RollbackFailed failed = awaitOne(Topics.ROLLBACK_EVENTS, id, RollbackFailed.class);
        // RollbackFailed has only its reason: the one wording check here, the provisioner's own words
        assertTrue(failed.reason().contains("slot blue has weight 100 but runs nothing"), failed.reason());
        assertEquals(List.of(), kafka.messages(Topics.PROVISIONER_COMMANDS, id, ReleaseSlot.class));
    }

    @ParameterizedTest(name = "malformed record on {0} goes to its dlq")
    @ValueSource(strings = {Topics.ROLLBACK_COMMANDS, Topics.PROVISIONER_EVENTS})
    void malformedRecordsGoToTheDeadLetterTopicAndTheConsumerKeepsGoing(String topic) {
        String marker = UUID.randomUUID().toString();
        String type = topic.equals(Topics.ROLLBACK_COMMANDS) ? "dev.cutover.rollback.start.v1" : "dev.cutover.traffic.shifted.v1";
        kafka.sendRaw(topic, "shop/staging", "{not json " + marker, Map.of("ce_type", type));
        kafka.sendRaw(topic, "shop/staging", "{\"marker\":\"" + marker + "\"}", Map.of());

        String dlq = Topics.deadLetter(topic);
        List<ConsumerRecord<String, byte[]>> dead = await().atMost(WAIT).until(
                () -> kafka.records(dlq).stream().filter(r -> new String(r.value()).contains(marker)).toList(),
                l -> l.size() == 2);
        String badJson = KafkaTestClient.header(dead.get(0), "dead-letter-reason");
        String noType = KafkaTestClient.header(dead.get(1), "dead-letter-reason");
        assertNotNull(badJson);
        assertTrue(badJson.contains("unreadable"), badJson);
        assertTrue(noType.contains("missing ce_type"), noType);

        // a valid record after them is still processed
        String id = "rb-" + UUID.randomUUID();
        kafka.send(startRollback(id));
        ShiftTraffic shift = awaitOne(Topics.PROVISIONER_COMMANDS, id, ShiftTraffic.class);
        kafka.send(new TrafficShifted(Meta.causedBy(shift.meta()), SHOP, shift.weights(), null, "rollback"));
        awaitOne(Topics.PROVISIONER_COMMANDS, id, ReleaseSlot.class);
    }
}
