package dev.cutover.orchestrator.cdevents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.events.DeploymentEvent.DeploymentAccepted;
import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.HealthMonitorCommand.RunHealthCheck;
import dev.cutover.events.HealthMonitorEvent.HealthCheckCompleted;
import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerEvent.SlotReleased;
import dev.cutover.events.ProvisionerEvent.TrafficShifted;
import dev.cutover.events.RollbackCommand.StartRollback;
import dev.cutover.events.RollbackEvent.RollbackCompleted;
import dev.cutover.events.Target;
import dev.cutover.events.Topics;
import dev.cutover.orchestrator.messaging.CiSourceKeys;
import dev.cutover.orchestrator.testing.FlowTest;
import dev.cutover.security.webhook.StandardWebhooks;
import dev.cutover.testing.kafka.KafkaTestClient;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CDEvents on the real broker: CI publishes {@code artifact.published} as raw records (binary mode, then structured
 * mode) and over HTTP; each runs as a deployment (the test plays the agents), and {@code service.deployed},
 * {@code service.upgraded} and {@code service.rolledback} come out on the CDEvents topic and at the HTTP sink, every
 * one valid against its CDEvents 0.5.1 schema. What is not a signed, valid, mapped artifact.published is
 * dead-lettered with the reason.
 */
@QuarkusTest
class CdEventsFlowTest extends FlowTest {

    private static final String TYPE = "dev.cdevents.artifact.published.0.3.0";

    @Test
    void publishedArtifactsDeployAndTheServiceEventsComeOut() throws Exception {
        String app = "cdev-flow";
        Target target = new Target(app, "test");

        // 1. binary mode: the CloudEvent's attributes in ce_* headers, the CDEvent as the value
        ObjectNode first = CdEventsFixtures.artifactPublished("pkg:generic/" + app
                + "@1.0.0?download_url=file%3A%2Fapps%2Fcdev-1.jar", Map.of("environment", "test"));
        String firstId = publishBinary(first);
        DeploymentAccepted accepted = kafka.awaitMessage(DeploymentAccepted.class, firstId);
        assertEquals("ci:" + CiSourceKeys.SOURCE, accepted.actor().subject());
        assertEquals(target, accepted.target());
        playHappyPath(firstId, "blue", null);
        awaitStatus(firstId, DeploymentStatus.SUCCEEDED);
        JsonNode deployed = awaitEmitted(firstId, CdEventsEmitter.DEPLOYED);
        assertEquals("test", deployed.at("/subject/content/environment/id").asText());
        assertEquals(app, deployed.at("/subject/id").asText());
        assertEquals("pkg:generic/cdev-flow@1.0.0", deployed.at("/subject/content/artifactId").asText());

        // 2. structured mode: one JSON object with the attributes and the CDEvent as data
        ObjectNode second = CdEventsFixtures.artifactPublished("pkg:generic/" + app
                + "@2.0.0?download_url=file%3A%2Fapps%2Fcdev-2.jar", Map.of("environment", "test"));
        String secondId = publishStructured(second);
        kafka.awaitMessage(DeploymentAccepted.class, secondId);
        playHappyPath(secondId, "green", "blue");
        awaitStatus(secondId, DeploymentStatus.SUCCEEDED);
        JsonNode upgraded = awaitEmitted(secondId, CdEventsEmitter.UPGRADED);
        assertEquals("pkg:generic/cdev-flow@2.0.0", upgraded.at("/subject/content/artifactId").asText());

        // the same event again is the same deployment, not a second one
        publishAgain(second);

        // 3. over HTTP (structured, signed like a webhook): the version fails after the switch and is rolled back
        ObjectNode third = CdEventsFixtures.artifactPublished("pkg:generic/" + app
                + "@3.0.0?download_url=file%3A%2Fapps%2Fcdev-3.jar", Map.of("environment", "test"));
        byte[] body = CdEventsFixtures.JSON.writeValueAsBytes(new CloudEvent(UUID.randomUUID().toString(),
                "/ci/pipelines/42", TYPE, "1.0", null, third).structured(CdEventsFixtures.JSON));
        String thirdId = given().headers(StandardWebhooks.sign(CiSourceKeys.KEY, body))
                .contentType("application/cloudevents+json").body(body)
                .when().post("/webhooks/" + CiSourceKeys.SOURCE + "/cdevents")
                .then().statusCode(202).extract().path("id");
        playUntilMonitoring(thirdId, "blue", "green");
        RunHealthCheck watch = kafka.awaitMessage(RunHealthCheck.class, thirdId, c -> c.phase().equals("post-switch"));
        kafka.send(new HealthCheckCompleted(Meta.causedBy(watch.meta()), target, "blue", "post-switch", false,
                "/health answered 500 twice", 2, List.of()));
        StartRollback start = kafka.awaitMessage(StartRollback.class, thirdId);
        kafka.send(new TrafficShifted(Meta.causedBy(start.meta()), target, Map.of("green", 100, "blue", 0), ROUTER,
                "rollback"));
        kafka.send(new SlotReleased(Meta.causedBy(start.meta()), target, "blue", "rollback"));
        kafka.send(new RollbackCompleted(Meta.causedBy(start.meta()), target, "green", 30, 120));
        awaitStatus(thirdId, DeploymentStatus.ROLLED_BACK);
        JsonNode rolledBack = awaitEmitted(thirdId, CdEventsEmitter.ROLLED_BACK);
        // the artifact running again is the one rolled back to
        assertEquals("pkg:generic/cdev-flow@2.0.0", rolledBack.at("/subject/content/artifactId").asText());

        // the structured event published twice was one deployment
        assertEquals(1, kafka.messages(secondId).stream().filter(DeploymentAccepted.class::isInstance).count());
        given().queryParam("application", app).when().get("/deployments").then()
                .body("id", org.hamcrest.Matchers.contains(thirdId, secondId, firstId));

        // each one also reached the HTTP sink as a structured CloudEvent, after its first attempt was refused (503)
        for (JsonNode emitted : List.of(deployed, upgraded, rolledBack)) {
            String id = emitted.at("/context/id").asText();
            await().atMost(KafkaTestClient.WAIT).until(() -> CdEventSink.deliveries().stream()
                    .anyMatch(d -> d.status() == 200 && id.equals(d.body().path("id").asText())));
            List<CdEventSink.Delivery> attempts = CdEventSink.deliveries().stream()
                    .filter(d -> id.equals(d.body().path("id").asText())).toList();
            assertEquals(List.of(503, 200), attempts.stream().map(CdEventSink.Delivery::status).toList());
            CdEventSink.Delivery delivered = attempts.get(1);
            assertTrue(delivered.contentType().startsWith(CloudEvent.STRUCTURED), delivered.contentType());
            assertEquals(emitted, delivered.body().get("data"));
            assertEquals(emitted.at("/context/type").asText(), delivered.body().path("type").asText());
        }
    }

    @Test
    void whatIsNotASignedValidMappedArtifactIsDeadLetteredAndOtherEventsAreLeftAlone() throws Exception {
        // unsigned
        ObjectNode valid = CdEventsFixtures.artifactPublished("pkg:generic/cdev-dlq@1.0.0?download_url=file%3A%2Fa.jar",
                Map.of("environment", "test"));
        byte[] value = CdEventsFixtures.JSON.writeValueAsBytes(valid);
        kafka.sendRaw(CdEventsIntake.TOPIC, "unsigned", binaryHeaders(UUID.randomUUID().toString()), value);
        // signed, but not a CloudEvent
        kafka.sendRaw(CdEventsIntake.TOPIC, "not-cloudevent", CiSourceKeys.signed(Map.of(), value), value);
        // signed CloudEvent whose CDEvent breaks its schema (no subject.content)
        ObjectNode broken = valid.deepCopy();
        ((ObjectNode) broken.get("subject")).remove("content");
        byte[] brokenValue = CdEventsFixtures.JSON.writeValueAsBytes(broken);
        kafka.sendRaw(CdEventsIntake.TOPIC, "invalid", CiSourceKeys.signed(binaryHeaders(UUID.randomUUID()
                .toString()), brokenValue), brokenValue);
        // valid, but no rule maps an npm package
        byte[] npm = CdEventsFixtures.JSON.writeValueAsBytes(CdEventsFixtures.artifactPublished(
                "pkg:npm/left-pad@1.3.0", Map.of("environment", "test")));
        kafka.sendRaw(CdEventsIntake.TOPIC, "unmapped", CiSourceKeys.signed(binaryHeaders(UUID.randomUUID()
                .toString()), npm), npm);
        // a CDEvent Cutover does not act on: not refused, nothing happens
        ObjectNode build = valid.deepCopy();
        ((ObjectNode) build.get("context")).put("type", "dev.cdevents.build.finished.0.2.0");
        byte[] buildValue = CdEventsFixtures.JSON.writeValueAsBytes(build);
        Map<String, String> buildHeaders = new java.util.HashMap<>(binaryHeaders(UUID.randomUUID().toString()));
        buildHeaders.put("ce_type", "dev.cdevents.build.finished.0.2.0");
        kafka.sendRaw(CdEventsIntake.TOPIC, "other-type", CiSourceKeys.signed(buildHeaders, buildValue), buildValue);

        for (Map.Entry<String, String> expected : Map.of("unsigned", "unsigned", "not-cloudevent", "",
                "invalid", "", "unmapped", "").entrySet()) {
            String reason = kafka.awaitDeadLetterReason(CdEventsIntake.TOPIC, expected.getKey());
            assertNotNull(reason);
            assertTrue(reason.startsWith(expected.getValue()), expected.getKey() + ": " + reason);
        }
        // the consumer kept going: a valid one after them deploys
        String id = publishBinary(valid);
        kafka.awaitMessage(DeploymentAccepted.class, id);
        // (the dead-letter topic is read from its start: the other-type record, sent before the last, is not in it)
        assertTrue(kafka.awaitRecord(Topics.deadLetter(CdEventsIntake.TOPIC), r -> true) != null);
        await().atMost(KafkaTestClient.WAIT).untilAsserted(() -> given().get("/q/metrics").then()
                .body(org.hamcrest.Matchers.containsString("cutover_orchestrator_cdevents_ignored_total{type=\"dev.cdevents.build.finished\"}")));
    }

    // ---- CI --------------------------------------------------------------------------------------------

    private static Map<String, String> binaryHeaders(String id) {
        return Map.of("ce_specversion", "1.0", "ce_id", id, "ce_source", "/ci/pipelines/42", "ce_type", TYPE,
                "content-type", "application/json");
    }

    /** Publishes {@code cdevent} in binary mode, signed; returns the deployment id it asks for. */
    private String publishBinary(ObjectNode cdevent) throws Exception {
        String ceId = UUID.randomUUID().toString();
        byte[] value = CdEventsFixtures.JSON.writeValueAsBytes(cdevent);
        kafka.sendRaw(CdEventsIntake.TOPIC, cdevent.at("/subject/id").asText(),
                CiSourceKeys.signed(binaryHeaders(ceId), value), value);
        return CdEventsIntake.deploymentIdOf(CiSourceKeys.SOURCE, new CloudEvent(ceId, "/ci/pipelines/42", TYPE,
                "1.0", null, cdevent));
    }

    private CloudEvent lastStructured;

    /** Publishes {@code cdevent} in structured mode, signed; returns the deployment id it asks for. */
    private String publishStructured(ObjectNode cdevent) throws Exception {
        lastStructured = new CloudEvent(UUID.randomUUID().toString(), "/ci/pipelines/42", TYPE, "1.0", null, cdevent);
        publishAgain(cdevent);
        return CdEventsIntake.deploymentIdOf(CiSourceKeys.SOURCE, lastStructured);
    }

    private void publishAgain(ObjectNode cdevent) throws Exception {
        byte[] value = CdEventsFixtures.JSON.writeValueAsBytes(lastStructured.structured(CdEventsFixtures.JSON));
        kafka.sendRaw(CdEventsIntake.TOPIC, cdevent.at("/subject/id").asText(),
                CiSourceKeys.signed(Map.of("content-type", "application/cloudevents+json"), value), value);
    }

    /** The CDEvent of {@code type} emitted for the deployment, checked against its schema. */
    private JsonNode awaitEmitted(String deploymentId, String type) throws Exception {
        ConsumerRecord<String, byte[]> record = kafka.awaitRecord(CdEventsEmitter.TOPIC, r -> {
            try {
                JsonNode e = CdEventsFixtures.JSON.readTree(r.value());
                return deploymentId.equals(e.at("/customData/deploymentId").asText())
                        && type.equals(KafkaTestClient.header(r, "ce_type"));
            } catch (java.io.IOException e) {
                return false;
            }
        });
        JsonNode cdevent = CdEventsFixtures.JSON.readTree(record.value());
        assertEquals(List.of(), CdEventSchemas.get().violations(cdevent), cdevent.toString());
        assertEquals(type, cdevent.at("/context/type").asText());
        assertEquals("1.0", KafkaTestClient.header(record, "ce_specversion"));
        assertEquals(cdevent.at("/context/id").asText(), KafkaTestClient.header(record, "ce_id"));
        assertEquals(cdevent.at("/subject/id").asText() + "/" + cdevent.at("/subject/content/environment/id").asText(),
                record.key());
        return cdevent;
    }
}
