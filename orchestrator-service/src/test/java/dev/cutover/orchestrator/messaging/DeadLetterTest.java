package dev.cutover.orchestrator.messaging;

import dev.cutover.events.ConfigCommand.ResolveConfig;
import dev.cutover.events.ConfigEvent.ConfigResolved;
import dev.cutover.events.DeploymentRequestEvent.DeploymentRequested;
import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.Target;
import dev.cutover.events.Topics;
import dev.cutover.orchestrator.testing.FlowTest;
import dev.cutover.testing.kafka.KafkaTestClient;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Records that cannot be read go to {@code <topic>.dlq} with the reason; the consumer keeps going. */
@QuarkusTest
class DeadLetterTest extends FlowTest {

    private static final String TYPE = "ce_type";

    @Test
    void malformedRequestsAreDeadLetteredAndTheNextOneIsProcessed() {
        Target target = new Target("dlq-requests", "test");
        String key = target.key();
        // signed by the test CI source, so that what is refused is the content
        sendSignedRaw(key, "{not json", Map.of(TYPE, "dev.cutover.deployment.requested.v1"));
        sendSignedRaw(key, "{\"version\":\"no type header\"}", Map.of());
        sendSignedRaw(key, "{\"version\":\"no target\"}", Map.of(TYPE, "dev.cutover.deployment.requested.v1"));

        String id = UUID.randomUUID().toString();
        sendSigned(new DeploymentRequested(new Meta(UUID.randomUUID().toString(), id, null, null, Instant.now()),
                target, "1.0.0", "a.jar", null, null));

        assertDeadLettered(Topics.DEPLOYMENT_REQUESTS, key, "{not json", "unreadable");
        assertDeadLettered(Topics.DEPLOYMENT_REQUESTS, key, "{\"version\":\"no type header\"}", "missing ce_type");
        assertDeadLettered(Topics.DEPLOYMENT_REQUESTS, key, "{\"version\":\"no target\"}", "missing");
        await().atMost(KafkaTestClient.WAIT).untilAsserted(() ->
                given().when().get("/deployments/" + id).then().statusCode(200).body("application",
                        equalTo("dlq-requests")));
    }

    @Test
    void malformedAgentEventsAreDeadLetteredAndTheNextOneIsProcessed() {
        Target target = new Target("dlq-config", "test");
        String id = post("dlq-config", "1.0.0");
        ResolveConfig resolve = kafka.awaitMessage(ResolveConfig.class, id);

        kafka.sendRaw(Topics.CONFIG_EVENTS, target.key(), "{\"configHash\":", Map.of(TYPE, "dev.cutover.config.resolved.v1"));
        kafka.sendRaw(Topics.CONFIG_EVENTS, target.key(), "{\"configHash\":\"x\"}", Map.of());
        kafka.send(new ConfigResolved(Meta.causedBy(resolve.meta()), target, "sha256:dlq",
                Map.of("router", Map.of("port", 18099))));

        assertDeadLettered(Topics.CONFIG_EVENTS, target.key(), "{\"configHash\":", "unreadable");
        assertDeadLettered(Topics.CONFIG_EVENTS, target.key(), "{\"configHash\":\"x\"}", "missing ce_type");
        plan(id, NO_CHANGES);
        assertEquals(18099, kafka.awaitMessage(ProvisionSlot.class, id).routerPort());
        await().atMost(KafkaTestClient.WAIT).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                given().when().get("/deployments/" + id).then().body("status", equalTo("PROVISIONING")));
    }

    private void sendSignedRaw(String key, String value, Map<String, String> headers) {
        byte[] body = value.getBytes(StandardCharsets.UTF_8);
        kafka.sendRaw(Topics.DEPLOYMENT_REQUESTS, key, CiSourceKeys.signed(headers, body), body);
    }

    private void assertDeadLettered(String topic, String key, String value, String reason) {
        ConsumerRecord<String, byte[]> dead = kafka.awaitRecord(Topics.deadLetter(topic),
                r -> key.equals(r.key()) && value.equals(new String(r.value(), StandardCharsets.UTF_8)));
        String why = KafkaTestClient.header(dead, "dead-letter-reason");
        assertNotNull(why, "dead-letter-reason header");
        assertTrue(why.contains(reason), why);
    }
}
