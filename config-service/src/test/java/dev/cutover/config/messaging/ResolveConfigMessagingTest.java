package dev.cutover.config.messaging;

import dev.cutover.testing.kafka.KafkaTestClient;
import dev.cutover.events.ConfigCommand.ResolveConfig;
import dev.cutover.events.ConfigEvent.ConfigRejected;
import dev.cutover.events.ConfigEvent.ConfigResolved;
import dev.cutover.events.Message;
import dev.cutover.events.Meta;
import dev.cutover.events.Target;
import dev.cutover.events.Topics;
import dev.cutover.testing.kafka.KafkaBrokerTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The service on a real broker: commands in, answers out, malformed records to the DLQ. */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerTestResource.class, restrictToAnnotatedClass = false)
class ResolveConfigMessagingTest {

    static KafkaTestClient kafka;

    @BeforeAll
    static void connect() {
        kafka = new KafkaTestClient();
    }

    @AfterAll
    static void disconnect() {
        kafka.close();
    }

    @Test
    void resolveConfigAnswersWithTheMergedConfig() throws Exception {
        ResolveConfig command = command("staging", Map.of("app", Map.of("env", Map.of("LOG_LEVEL", "debug"))));
        kafka.send(command);

        Message answer = kafka.awaitCausedBy(Topics.CONFIG_EVENTS, command.meta().messageId());
        ConfigResolved resolved = assertInstanceOf(ConfigResolved.class, answer);
        assertEquals(command.target(), resolved.target());
        assertEquals(command.meta().deploymentId(), resolved.meta().deploymentId());
        assertEquals(command.meta().correlationId(), resolved.meta().correlationId());
        assertEquals(Map.of("port", 18180), resolved.config().get("router"));
        assertEquals(Map.of("env", Map.of("LOG_LEVEL", "debug")), resolved.config().get("app"));
        assertEquals(5000, ((Map<?, ?>) resolved.config().get("health")).get("monitor-window-ms"));
        assertTrue(resolved.configHash().matches("sha256:[0-9a-f]{64}"), resolved.configHash());
    }

    @Test
    void unknownEnvironmentIsRejected() throws Exception {
        ResolveConfig command = command("stagin", Map.of());
        kafka.send(command);

        ConfigRejected rejected = assertInstanceOf(ConfigRejected.class,
                kafka.awaitCausedBy(Topics.CONFIG_EVENTS, command.meta().messageId()));
        assertEquals("unknown environment 'stagin' (known: development, production, staging)", rejected.reason());
    }

    @Test
    void invalidOverrideIsRejectedNamingTheKey() throws Exception {
        ResolveConfig command = command("production", Map.of("health", Map.of("timeout-ms", -5)));
        kafka.send(command);

        ConfigRejected rejected = assertInstanceOf(ConfigRejected.class,
                kafka.awaitCausedBy(Topics.CONFIG_EVENTS, command.meta().messageId()));
        assertTrue(rejected.reason().contains("health.timeout-ms"), rejected.reason());
    }

    @Test
    void malformedRecordsGoToTheDeadLetterTopicAndTheConsumerKeepsGoing() throws Exception {
        String badJsonKey = "bad-json-" + UUID.randomUUID();
        kafka.sendRaw(Topics.CONFIG_COMMANDS, badJsonKey, Map.of("ce_type", "dev.cutover.config.resolve.v1"),
                "{not json".getBytes(StandardCharsets.UTF_8));
        String noTypeKey = "no-type-" + UUID.randomUUID();
        kafka.sendRaw(Topics.CONFIG_COMMANDS, noTypeKey, Map.of(), "{}".getBytes(StandardCharsets.UTF_8));
        ResolveConfig valid = command("development", Map.of());
        kafka.send(valid);

        assertTrue(deadLetterReason(badJsonKey).startsWith("unreadable dev.cutover.config.resolve.v1"));
        assertEquals("missing ce_type header", deadLetterReason(noTypeKey));
        ConfigResolved resolved = assertInstanceOf(ConfigResolved.class,
                kafka.awaitCausedBy(Topics.CONFIG_EVENTS, valid.meta().messageId()));
        assertEquals(Map.of("port", 18080), resolved.config().get("router"));
    }

    @Test
    void healthAndMetricsAreServed() throws Exception {
        ResolveConfig command = command("development", Map.of());
        kafka.send(command);
        kafka.awaitCausedBy(Topics.CONFIG_EVENTS, command.meta().messageId());

        given().get("/q/health").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("cutover_config_resolutions_total{environment=\"development\",outcome=\"resolved\"}"));
    }

    private static String deadLetterReason(String key) {
        ConsumerRecord<String, byte[]> dead = kafka.awaitRecord(Topics.deadLetter(Topics.CONFIG_COMMANDS),
                r -> key.equals(r.key()));
        var header = dead.headers().lastHeader("dead-letter-reason");
        assertNotNull(header, "dead-letter-reason header");
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    private static ResolveConfig command(String environment, Map<String, Object> overrides) {
        return new ResolveConfig(Meta.start("d-" + UUID.randomUUID()), new Target("shop", environment), "2.0.0", overrides);
    }
}
